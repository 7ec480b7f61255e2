//! A rough reading age for plain-English hints: the Flesch–Kincaid grade of the text plus
//! five years. It only guides providers; nothing is refused because of it.

/// The reading age Kith suggests aiming for (a typical UK adult reads comfortably at 9–11).
pub const TARGET_READING_AGE: u32 = 11;

/// Vowel groups, less a silent final "e", at least one: good enough for a hint.
fn syllables(word: &str) -> u32 {
    let w: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if w.is_empty() {
        return 0;
    }
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut count = 0;
    let mut previous_vowel = false;
    for &c in &w {
        let vowel = is_vowel(c);
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    let n = w.len();
    if n > 2 && w[n - 1] == 'e' && !is_vowel(w[n - 2]) && !(w[n - 2] == 'l' && n > 3) {
        count -= 1;
    }
    count.max(1)
}

/// The reading age of `text`, or `None` when it is too short to judge.
pub fn reading_age(text: &str) -> Option<u32> {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.len() < 5 {
        return None;
    }
    let sentences = text
        .split(['.', '!', '?', ';', '\n'])
        .filter(|s| s.chars().any(char::is_alphabetic))
        .count()
        .max(1);
    let syllable_total: u32 = words.iter().map(|w| syllables(w)).sum();
    let words_per_sentence = words.len() as f64 / sentences as f64;
    let syllables_per_word = f64::from(syllable_total) / words.len() as f64;
    let grade = 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59;
    Some((grade + 5.0).round().clamp(5.0, 21.0) as u32)
}

/// The hint shown beside a summary once it has been written.
pub fn hint(text: &str) -> Option<String> {
    let age = reading_age(text)?;
    Some(if age <= TARGET_READING_AGE {
        format!("Reading age about {age}: most people will understand this easily.")
    } else {
        format!(
            "Reading age about {age}. Aim for {TARGET_READING_AGE} or lower: use short sentences and everyday words."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_syllables_roughly() {
        assert_eq!(syllables("cat"), 1);
        assert_eq!(syllables("home"), 1);
        assert_eq!(syllables("shopping"), 2);
        assert_eq!(syllables("independence"), 4);
        assert_eq!(syllables("people"), 2);
    }

    #[test]
    fn plain_text_reads_younger_than_jargon() {
        let plain = reading_age("We help you at home. We do your shopping. We can clean too.")
            .expect("long enough");
        let jargon = reading_age(
            "Our organisation facilitates personalised, outcome-focused interventions supporting \
             individuals' independence through comprehensive multidisciplinary collaboration.",
        )
        .expect("long enough");
        assert!(plain <= TARGET_READING_AGE, "{plain}");
        assert!(jargon > 16, "{jargon}");
        assert_eq!(reading_age("Too short"), None);
        assert!(hint("Our organisation facilitates personalised, outcome-focused interventions supporting individuals.").unwrap().contains("Aim for"));
    }
}
