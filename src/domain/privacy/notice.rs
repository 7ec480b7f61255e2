//! What Kith does with personal data, in one place: the public privacy notice and the
//! admins' record of processing activities (UK GDPR Article 30) are both made from this
//! list and from the retention settings, so they cannot say different things.

use super::retention::Kept;

/// One processing activity: what data, about whom, why, on what lawful basis, who sees it,
/// and how long it is kept.
#[derive(Debug)]
pub struct Activity {
    pub name: &'static str,
    /// Whose data.
    pub people: &'static str,
    pub data: &'static str,
    pub purpose: &'static str,
    /// UK GDPR Article 6 basis.
    pub lawful_basis: &'static str,
    /// For special category (Article 9) or criminal offence (Article 10) data: the
    /// condition relied on.
    pub condition: Option<&'static str>,
    pub who_sees: &'static str,
    pub kept: &'static [Kept],
}

/// The lawful basis in full, said once on each page.
pub const PUBLIC_TASK_IN_FULL: &str = "Public task (UK GDPR Article 6(1)(e)): the council's \
    duties under the Care Act 2014 to give information and advice (section 4) and to promote a \
    diverse, high-quality market of care and support (section 5).";
/// The condition for health and care data in full.
pub const HEALTH_AND_CARE_IN_FULL: &str = "Health or social care (UK GDPR Article 9(2)(h), with \
    the Data Protection Act 2018, Schedule 1, paragraph 2).";
/// The condition for criminal records in full.
pub const SAFEGUARDING_IN_FULL: &str = "Criminal offence data (UK GDPR Article 10, with the Data \
    Protection Act 2018, Schedule 1, paragraph 18: safeguarding of children and of individuals \
    at risk).";
const PUBLIC_TASK: &str = "Public task (Article 6(1)(e), Care Act 2014)";
const HEALTH_AND_CARE: &str = "Health or social care (Article 9(2)(h))";

/// Everything Kith processes.
pub const ACTIVITIES: &[Activity] = &[
    Activity {
        name: "Accounts",
        people: "Everyone who signs up: people who use services, carers, brokers, providers, personal assistants and council staff",
        data: "Name, email address, password (kept only as a one-way hash), roles, when you signed in; for staff, an authenticator app's secret and recovery codes (hashed)",
        purpose: "To let you sign in, keep your shortlist, plan and enquiries together, and keep accounts safe",
        lawful_basis: PUBLIC_TASK,
        condition: None,
        who_sees: "You; council administrators",
        kept: &[Kept::UntilErased, Kept::Sessions, Kept::Links],
    },
    Activity {
        name: "Enquiries and messages",
        people: "People looking for support, their carers and brokers; providers who reply",
        data: "What support you are looking for (which can include health and care needs), when, your postcode sector, your name and how to reply (email or phone), and the messages exchanged",
        purpose: "To put you in touch with a provider and let them reply; the date, type of support, area and outcome are counted for the council's market figures",
        lawful_basis: PUBLIC_TASK,
        condition: Some(HEALTH_AND_CARE),
        who_sees: "You; the provider you wrote to; your broker if they sent it for you; council administrators when they look into a problem",
        kept: &[Kept::Enquiries],
    },
    Activity {
        name: "Brokers' client records",
        people: "People a support broker helps, who may have no account",
        data: "Name, postcode sector, support needs, how to get in touch, and the shortlist, plan and enquiries the broker made for them",
        purpose: "So a broker can find and arrange support on someone's behalf",
        lawful_basis: PUBLIC_TASK,
        condition: Some(HEALTH_AND_CARE),
        who_sees: "The broker; the broker the case is handed to; council administrators",
        kept: &[Kept::Clients],
    },
    Activity {
        name: "Support plans, budgets and shortlists",
        people: "People with a personal budget, and brokers' clients",
        data: "Weekly budget, the answers given to the council's Resource Allocation System questions (about needs), the services saved and planned",
        purpose: "To help you plan how to spend your personal budget",
        lawful_basis: PUBLIC_TASK,
        condition: Some(HEALTH_AND_CARE),
        who_sees: "You, or your broker",
        kept: &[Kept::UntilErased],
    },
    Activity {
        name: "Reviews",
        people: "People who used a service",
        data: "Your rating and words about the service, and the name you chose to show",
        purpose: "To help others choose support, and the council to see quality",
        lawful_basis: PUBLIC_TASK,
        condition: None,
        who_sees: "Everyone, once a council administrator has checked it; the provider, who may reply",
        kept: &[Kept::UntilErased],
    },
    Activity {
        name: "Providers, personal assistants and their listings",
        people: "Provider staff, and personal assistants (who are individuals)",
        data: "Names, contact details, a personal assistant's home address (never shown publicly), what the service offers, prices and areas, photos",
        purpose: "To approve providers and publish the directory people search",
        lawful_basis: PUBLIC_TASK,
        condition: None,
        who_sees: "Everyone sees published listings (never a personal assistant's home address); council administrators see the rest",
        kept: &[Kept::Records],
    },
    Activity {
        name: "Evidence documents",
        people: "Provider staff and personal assistants",
        data: "DBS certificates (criminal records), insurance, training and references",
        purpose: "To check providers are safe before the council approves them (Support with Confidence-style criteria)",
        lawful_basis: PUBLIC_TASK,
        condition: Some(
            "Safeguarding (Article 10, Data Protection Act 2018, Schedule 1, paragraph 18)",
        ),
        who_sees: "The organisation's members; council administrators",
        kept: &[Kept::Evidence],
    },
    Activity {
        name: "Quality checks",
        people: "People using a service (their views, unnamed), provider staff, quality checkers",
        data: "What the checker saw and scored, what people using the service said, photos, the provider's response",
        purpose: "To check and publish the quality of services",
        lawful_basis: PUBLIC_TASK,
        condition: Some(HEALTH_AND_CARE),
        who_sees: "The checker and council administrators; the published report (without names) is public",
        kept: &[Kept::Records, Kept::InspectionPhotos],
    },
    Activity {
        name: "Innovation fund",
        people: "People who apply for a grant for their organisation; panel members",
        data: "The application, the panel's scores and the council's decision",
        purpose: "To award and track grants; awards are published as open data (360Giving), without the names of sole traders",
        lawful_basis: PUBLIC_TASK,
        condition: None,
        who_sees: "The applicant's organisation; the panel; commissioners; published awards are public",
        kept: &[Kept::Records],
    },
    Activity {
        name: "Searches",
        people: "Anyone who searches",
        data: "What was typed, the filters and the postcode sector searched from; never who searched",
        purpose: "So the council can see what support people look for and cannot find (the Market Position Statement)",
        lawful_basis: PUBLIC_TASK,
        condition: None,
        who_sees: "Council commissioners and administrators, as counts",
        kept: &[Kept::Searches],
    },
    Activity {
        name: "Saved searches",
        people: "People who save a search, and brokers who save one for a client",
        data: "The search (its words, filters and postcode), its name, how often to email, and which new services were emailed",
        purpose: "To email you when a new service matches what you are looking for",
        lawful_basis: PUBLIC_TASK,
        condition: None,
        who_sees: "You; council administrators",
        kept: &[Kept::UntilErased],
    },
    Activity {
        name: "Problems reported with listings",
        people: "Anyone who reports a problem with a listing; providers whose listings are reported",
        data: "What is wrong, in the reporter's words (a concern may say something about someone's care); the reporter's account if they were signed in, otherwise a one-way code made from their network address, used only to count how many people reported",
        purpose: "To keep listings right, and to hear concerns about how services treat people",
        lawful_basis: PUBLIC_TASK,
        condition: Some(HEALTH_AND_CARE),
        who_sees: "Council administrators; the provider sees reports about its own listing, except concerns, without who sent them",
        kept: &[Kept::Reports],
    },
    Activity {
        name: "Emails",
        people: "Everyone with an account",
        data: "Your email address and the message (never what an enquiry said)",
        purpose: "To tell you about replies, decisions and reminders",
        lawful_basis: PUBLIC_TASK,
        condition: None,
        who_sees: "You; council administrators (the outbox, to fix delivery problems)",
        kept: &[Kept::Mail],
    },
    Activity {
        name: "The audit log",
        people: "Everyone whose records change",
        data: "What was done, when, by which account number, to which record; no names, emails or words (reasons staff give are kept beside it and erased with the person they are about)",
        purpose: "To show who changed what, protect people from misuse and investigate complaints",
        lawful_basis: PUBLIC_TASK,
        condition: None,
        who_sees: "Council administrators",
        kept: &[Kept::Audit],
    },
];
