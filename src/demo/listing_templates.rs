//! Text for demo listings and providers: what Trafford's care market plausibly offers, one
//! template per kind of support. `{place}` becomes the town a listing is based in.

use crate::domain::listings::content::PriceUnit;
use entity::provider_organisations::ProviderKind;

pub struct Template {
    pub category: &'static str,
    pub titles: &'static [&'static str],
    pub summary: &'static str,
    /// Other ways providers put the same offer, so neighbours in results read differently.
    pub alternatives: &'static [&'static str],
    pub description: &'static str,
    pub client_groups: &'static [&'static str],
    /// Price range in pence and its unit; `None` means free.
    pub price: Option<(i64, i64, PriceUnit)>,
    pub at_home: bool,
    pub venue: bool,
    pub online: bool,
}

const OLDER: &str = "older_people";
const LD: &str = "learning_disability";
const PSD: &str = "physical_sensory_disability";
const MH: &str = "mental_health";
const AUTISM: &str = "autism";
const CARERS: &str = "carers";

pub const TEMPLATES: &[Template] = &[
    Template {
        category: "personal-care",
        titles: &[
            "Personal care at home in {place}",
            "Morning and evening calls in {place}",
            "Help with washing and dressing, {place}",
        ],
        summary: "Trained carers help you wash, dress, eat and take your medicines at home, at times that suit you.",
        alternatives: &[
            "Help getting up, washed and dressed each morning, and settled at night, from carers who get to know you.",
            "Personal care from a regular team: bathing, meals and medicines, with a care plan you write with us.",
        ],
        description: "We visit you at home to help with personal care: getting up and going to bed, washing and bathing, dressing, meals and medicines.\n\nYou get a small team of regular carers who know you. We write a care plan with you and review it every three months.",
        client_groups: &[OLDER, PSD, LD],
        price: Some((2150, 2650, PriceUnit::Hour)),
        at_home: true,
        venue: false,
        online: false,
    },
    Template {
        category: "domestic-help",
        titles: &[
            "Cleaning and shopping help in {place}",
            "Home help in {place}",
            "Help around the house, {place}",
        ],
        summary: "Help with cleaning, laundry, shopping and simple meals, from friendly local people.",
        alternatives: &[
            "A tidy home and a full fridge: we clean, do the laundry and fetch the shopping each week.",
            "Weekly visits for the housework you find hard now, from hoovering to changing the beds.",
        ],
        description: "We help with the jobs that keep a home running: hoovering and dusting, changing beds, laundry and ironing, weekly shopping and simple meals.\n\nVisits are usually one or two hours, on the same day each week.",
        client_groups: &[OLDER, PSD, CARERS],
        price: Some((1600, 2000, PriceUnit::Hour)),
        at_home: true,
        venue: false,
        online: false,
    },
    Template {
        category: "day-support",
        titles: &[
            "Day centre in {place}",
            "Friday social club, {place}",
            "Art and craft group in {place}",
            "Gardening group in {place}",
        ],
        summary: "A friendly day out with activities, a hot lunch and people to talk to.",
        alternatives: &[
            "Music, crafts, quizzes and a two-course lunch, with transport for people who need it.",
            "Somewhere to go in the week: good company, things to do and a proper lunch.",
        ],
        description: "Come along for a day of activities chosen by the people who attend: crafts, music, quizzes, gentle exercise and trips out.\n\nA hot two-course lunch is included. Transport can be arranged for people who need it.",
        client_groups: &[OLDER, LD, MH],
        price: Some((3500, 5500, PriceUnit::Day)),
        at_home: false,
        venue: true,
        online: false,
    },
    Template {
        category: "respite-agency",
        titles: &[
            "Sitting service in {place}",
            "Carer breaks at home, {place}",
        ],
        summary: "A trained care worker stays with the person you care for, so you can take a break.",
        alternatives: &[
            "Regular or one-off breaks for carers, with a care worker the person you look after already knows.",
            "Take an afternoon, a day or a weekend off: we step in so you can rest.",
        ],
        description: "Our care workers come to your home and look after the person you care for while you go out, rest or see friends.\n\nBook a few hours in the day, an evening, or an overnight sit.",
        client_groups: &[OLDER, CARERS, LD],
        price: Some((2000, 2400, PriceUnit::Hour)),
        at_home: true,
        venue: false,
        online: false,
    },
    Template {
        category: "respite-pa",
        titles: &[
            "Respite from a personal assistant in {place}",
            "Flexible breaks for carers, {place}",
        ],
        summary: "I can give you a regular break by supporting the person you care for, at home or out and about.",
        alternatives: &[
            "I support the person you care for while you go out, rest or see friends.",
            "A steady, familiar face to give you a break each week, at home or on trips out.",
        ],
        description: "I am an experienced personal assistant. I can support the person you care for at home or take them out to places they enjoy, so you get time for yourself.\n\nI am happy to work some evenings and weekends.",
        client_groups: &[CARERS, LD, AUTISM],
        price: Some((1500, 1800, PriceUnit::Hour)),
        at_home: true,
        venue: false,
        online: false,
    },
    Template {
        category: "respite-day",
        titles: &[
            "Day respite club in {place}",
            "Saturday respite group, {place}",
        ],
        summary: "A full day of activities and care, giving carers a day off each week.",
        alternatives: &[
            "A day of care and activities each week, so carers can work, rest or see to their own health.",
            "Carers get a day to themselves while we provide a full day of care, lunch and activities.",
        ],
        description: "Our day respite service runs from ten until four. Staff are trained in moving and handling, medicines and dementia care.\n\nWe share a short note with carers at the end of each day.",
        client_groups: &[OLDER, CARERS],
        price: Some((5000, 7500, PriceUnit::Day)),
        at_home: false,
        venue: true,
        online: false,
    },
    Template {
        category: "respite-short-stays",
        titles: &["Short stays in {place}", "Planned short breaks, {place}"],
        summary: "Short stays of a few nights to two weeks in a comfortable, homely setting.",
        alternatives: &[
            "A room of your own for a few nights or a fortnight, with care day and night.",
            "Short breaks away from home with 24-hour care, so you and your carer both get a rest.",
        ],
        description: "Book a short stay for a planned break or when your carer is away. Rooms are en suite, and staff are on hand day and night.\n\nWe meet you before the first stay to learn your routines.",
        client_groups: &[OLDER, PSD, LD],
        price: Some((95000, 125000, PriceUnit::Week)),
        at_home: false,
        venue: true,
        online: false,
    },
    Template {
        category: "community-access",
        titles: &[
            "Getting out and about in {place}",
            "Travel training in {place}",
            "Community support, {place}",
        ],
        summary: "Support to get out, use buses and trams, and do the things you enjoy in your community.",
        alternatives: &[
            "Someone at your side to catch the bus, go to the shops, the gym or the match.",
            "Learn routes, build confidence and get back to the places and people you enjoy.",
        ],
        description: "We support you to go shopping, visit friends, join clubs and use public transport with confidence.\n\nTravel training starts with short trips together and builds up until you can travel on your own.",
        client_groups: &[LD, AUTISM, MH],
        price: Some((1700, 2200, PriceUnit::Hour)),
        at_home: true,
        venue: false,
        online: false,
    },
    Template {
        category: "supported-living",
        titles: &[
            "Supported living in {place}",
            "Support in your own tenancy, {place}",
        ],
        summary: "Support to live in your own home, with your own front door and help when you need it.",
        alternatives: &[
            "Your own flat and front door, with staff on hand for as much or as little help as you need.",
            "Live independently with support for cooking, bills, health and getting out.",
        ],
        description: "We support people in their own tenancies with cooking, budgeting, bills, health appointments and keeping well.\n\nSupport hours are agreed with you and your social worker.",
        client_groups: &[LD, AUTISM, MH],
        price: Some((2000, 2400, PriceUnit::Hour)),
        at_home: true,
        venue: false,
        online: false,
    },
    Template {
        category: "carers-breaks",
        titles: &[
            "Carers' coffee morning, {place}",
            "Carers' wellbeing group in {place}",
            "Pamper day for carers, {place}",
        ],
        summary: "Time for you: meet other carers, get advice and enjoy a break.",
        alternatives: &[
            "A cuppa, a chat and practical advice with other people who care for someone.",
            "Groups, outings and pampering sessions for unpaid carers, plus advice when you need it.",
        ],
        description: "A relaxed group for unpaid carers. Share a cup of tea, hear from guest speakers and try something new, from chair yoga to crafts.\n\nThe person you care for is welcome to come along.",
        client_groups: &[CARERS],
        price: None,
        at_home: false,
        venue: true,
        online: true,
    },
    Template {
        category: "equipment",
        titles: &[
            "Telecare and alarms, {place}",
            "Small aids and adaptations service",
        ],
        summary: "Alarms, sensors and small aids that help you stay safe and independent at home.",
        alternatives: &[
            "Pendant alarms, fall sensors and simple aids, fitted and explained by us.",
            "Small changes that make home safer: grab rails, key safes, alarms and reminders.",
        ],
        description: "We advise on, supply and fit equipment such as pendant alarms, fall sensors, grab rails and key safes.\n\nA trusted assessor visits first to check what will help.",
        client_groups: &[OLDER, PSD],
        price: Some((500, 4500, PriceUnit::Item)),
        at_home: true,
        venue: false,
        online: true,
    },
    Template {
        category: "advice-advocacy-brokerage",
        titles: &[
            "Independent support planning",
            "Advocacy in {place}",
            "Help to use your personal budget",
        ],
        summary: "Independent help to plan your support, use your budget and have your say.",
        alternatives: &[
            "Someone on your side to plan your support and speak up at reviews and meetings.",
            "Free, independent advice on personal budgets, support plans and your rights.",
        ],
        description: "We help you think about what matters to you, find support that fits, and write your support plan.\n\nOur advocates can also support you at meetings and reviews.",
        client_groups: &[LD, AUTISM, MH, OLDER],
        price: Some((2500, 3500, PriceUnit::Hour)),
        at_home: true,
        venue: false,
        online: true,
    },
    Template {
        category: "managed-accounts",
        titles: &[
            "Managed accounts for direct payments",
            "Payroll for personal assistant employers",
        ],
        summary: "We manage your direct payment and pay your personal assistants, so you do not have to.",
        alternatives: &[
            "We pay your PAs, sort the payroll and keep the records the council asks for.",
            "A managed account for your direct payment: wages, tax and pension done for you.",
        ],
        description: "We hold your direct payment, pay invoices and run payroll for your personal assistants, including pensions and tax.\n\nYou get a clear statement every month.",
        client_groups: &[OLDER, PSD, LD, CARERS],
        price: Some((1500, 2500, PriceUnit::Week)),
        at_home: false,
        venue: false,
        online: true,
    },
    Template {
        category: "employment-training",
        titles: &[
            "Supported work placements, {place}",
            "Skills for work course",
        ],
        summary: "Learn new skills and find work that suits you, with a job coach at your side.",
        alternatives: &[
            "One-to-one help to find paid work or volunteering, and to settle in once you start.",
            "Courses, work tasters and a job coach who stays with you in your first months.",
        ],
        description: "Our job coaches help you find what you are good at, build your confidence and try real work placements with local employers.\n\nWe stay in touch once you start work.",
        client_groups: &[LD, AUTISM, MH],
        price: Some((3000, 4500, PriceUnit::Session)),
        at_home: false,
        venue: true,
        online: false,
    },
    Template {
        category: "meals",
        titles: &[
            "Lunch club in {place}",
            "Hot meals delivered, {place}",
            "Cook and eat group, {place}",
        ],
        summary: "A hot, home-cooked meal and good company, with food to suit your diet and culture.",
        alternatives: &[
            "Hot meals delivered at lunchtime, with halal, vegetarian and soft-food choices.",
            "A weekly lunch club with a cooked meal, a raffle and friendly faces.",
        ],
        description: "Fresh meals cooked on the day, including vegetarian, halal and soft-food options.\n\nTell us what you like and any allergies when you first come.",
        client_groups: &[OLDER, CARERS],
        price: Some((450, 750, PriceUnit::Item)),
        at_home: false,
        venue: true,
        online: false,
    },
];

/// Which kinds of support each kind of provider offers in the demo.
pub fn categories_for(kind: ProviderKind) -> &'static [&'static str] {
    match kind {
        ProviderKind::RegisteredCareProvider => &[
            "personal-care",
            "respite-agency",
            "respite-short-stays",
            "supported-living",
            "domestic-help",
        ],
        ProviderKind::MicroEnterprise => &[
            "domestic-help",
            "community-access",
            "meals",
            "day-support",
            "carers-breaks",
        ],
        ProviderKind::SocialEnterprise => &[
            "day-support",
            "community-access",
            "employment-training",
            "equipment",
            "meals",
            "managed-accounts",
        ],
        ProviderKind::UserLed => &[
            "advice-advocacy-brokerage",
            "carers-breaks",
            "day-support",
            "managed-accounts",
        ],
        ProviderKind::VoluntaryGroup => &[
            "day-support",
            "meals",
            "carers-breaks",
            "respite-day",
            "community-access",
        ],
        _ => &[
            "personal-care",
            "respite-pa",
            "community-access",
            "domestic-help",
        ],
    }
}

/// (kind, names) of the demo's other providers; `{place}` becomes a town.
pub const PROVIDER_NAMES: &[(ProviderKind, &[&str])] = &[
    (
        ProviderKind::RegisteredCareProvider,
        &[
            "{place} Home Care",
            "Bridgewater Care Services",
            "Mersey Valley Care",
            "Caring Hands {place}",
            "Bluebell Care at Home",
            "Riverside Supported Living",
            "Sunrise Home Care",
            "Willow Tree Care",
            "Oakwood Home Support",
        ],
    ),
    (
        ProviderKind::MicroEnterprise,
        &[
            "Friendly Faces {place}",
            "Home Comforts {place}",
            "Good Neighbours Support",
            "Handy Help {place}",
            "Apna Ghar Companions (اپنا گھر)",
            "Step Out Together",
            "Bright Days Support",
            "Little Helpers {place}",
            "The Garden Gang",
            "Companions of {place}",
        ],
    ),
    (
        ProviderKind::SocialEnterprise,
        &[
            "Trafford Travel Buddies CIC",
            "Green Fingers Project CIC",
            "Creative Minds {place} CIC",
            "Move More CIC",
            "Sahara Stitch and Natter CIC (سہارا)",
            "Kind Kitchen CIC",
            "Open Doors Work CIC",
        ],
    ),
    (
        ProviderKind::UserLed,
        &[
            "Trafford Carers Voice",
            "Speak Up Trafford",
            "Deaf Connect Trafford",
            "Autism Together Trafford",
            "Independent Living Forum",
        ],
    ),
    (
        ProviderKind::VoluntaryGroup,
        &[
            "{place} Lunch Club",
            "Friendship Circle {place}",
            "Memory Café {place}",
            "Age Together {place}",
            "Walking Football {place}",
            "{place} Carers' Group",
            "St Mary's Luncheon Club",
        ],
    ),
    (
        ProviderKind::PersonalAssistant,
        &[
            "Amira Khan",
            "Daniel Hughes",
            "Fatima Begum",
            "Gareth Jones",
            "Ngozi Eze",
            "Łucja Wiśniewska",
            "Sarah O'Neill",
            "Tendai Moyo",
            "Lucy Chen (陈露)",
            "Mark Reilly",
        ],
    ),
];

/// The town for a postcode district in the demo area.
pub fn town_of(district: &str) -> &'static str {
    match district {
        "M16" => "Old Trafford",
        "M17" => "Trafford Park",
        "M31" => "Partington",
        "M32" => "Stretford",
        "M33" => "Sale",
        "M41" => "Urmston",
        "WA14" => "Altrincham",
        "WA15" => "Timperley",
        _ => "Trafford",
    }
}

pub const EXTRA_LANGUAGES: &[&str] = &[
    "Polish",
    "Urdu",
    "Punjabi",
    "Bengali",
    "Arabic",
    "Somali",
    "Cantonese",
    "Gujarati",
    "Romanian",
    "British Sign Language",
    "Irish",
    "Yoruba",
];

pub const CULTURAL_NOTES: &[&str] = &[
    "Halal and vegetarian food on request. Female staff for women who prefer them.",
    "We understand Caribbean and African cultures and food.",
    "Staff who speak South Asian languages and respect religious practice, including prayer times.",
    "We are LGBT+ friendly and have Pride in Care quality standard training.",
    "We can support Catholic, Muslim, Jewish and Sikh religious observance.",
];

/// What a provider says about itself at the end of a description: `{provider}`, `{town}` and
/// `{year}` are filled in.
pub const ABOUT_US: &[&str] = &[
    "{provider} started in {town} in {year}. Most of our team live within a couple of miles.",
    "We are {provider}. People find us through their social worker, their GP or word of mouth.",
    "{provider} has been part of the {town} community since {year}; ask us for references from people we support.",
    "Our staff have DBS checks, regular supervision and training in dementia, moving and handling, and first aid.",
    "We keep visits unhurried: if you need more time one week, tell us and we will make it work.",
    "Call or send an enquiry and we will visit for a free chat, usually within the week.",
    "Since {year}, {provider} has worked with families across {town} and the rest of Trafford.",
    "We are small on purpose: you will always speak to someone who knows you.",
];

/// How a provider works, said after `ABOUT_US` (seven, so with eight of those and three
/// ways of putting each offer no two listings of a kind read alike).
pub const HOW_WE_WORK: &[&str] = &[
    "We start with a visit at home in {town} to agree what you want from us.",
    "The same two or three people support you each week, so you are not explaining yourself to strangers.",
    "You can pay from a direct payment, a personal budget or your own money.",
    "We check in with you after the first month and change anything that is not working.",
    "Family members can join the first meeting, in person or by phone.",
    "If we cannot help, we will tell you quickly and suggest someone in {town} who can.",
    "We can usually start within two weeks of your first call.",
];
