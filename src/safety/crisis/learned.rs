//! The learned signal beside the rules: the crisis model the emotion model
//! file carries (`model/train/crisis_model.py`: a small encoder fine-tuned on
//! crisis and not-crisis messages, ko + en), run on the same tokens as the
//! emotion, before the language model and without it. It sees the message
//! with the writer's earlier messages (the emotion model's context), so it
//! also reads risk spread over a conversation.
//!
//! It can only raise a reading, never lower one: a crisis the rules found
//! stays a crisis. Its threshold was calibrated on the development part of the
//! evaluation set (docs/safety.md has the figures).

use super::{CrisisAssessment, CrisisReading, SetAside, Severity};
use crate::emotion::CrisisSignal;

/// The severity the head reads: `None` below its threshold, else the most
/// likely of concern, risk and imminent.
pub fn severity(signal: &CrisisSignal) -> Severity {
    if !signal.flags() {
        return Severity::None;
    }
    [
        (Severity::Concern, signal.concern),
        (Severity::Risk, signal.risk),
        (Severity::Imminent, signal.imminent),
    ]
    .into_iter()
    .max_by(|a, b| a.1.total_cmp(&b.1))
    .map_or(Severity::Risk, |(severity, _)| severity)
}

/// Raises `reading` (the rules' reading of `text`) with what the model read:
/// a message no rule matched becomes a crisis at the model's severity; a
/// rules' risk becomes imminent when the model reads imminent.
/// When the rules explained a phrase away as negated ("I'd never…"), as a
/// topic (news, fiction, study) or as past and resolved, that explanation
/// stands: those are exactly the phrasings a sentence-level reader confuses.
pub(super) fn raise(reading: &mut CrisisReading, signal: &CrisisSignal) {
    let learned = severity(signal);
    if !learned.is_crisis() {
        return;
    }
    if reading.is_crisis() {
        // The rules' kind of crisis stands; the head may only add urgency.
        if learned == Severity::Imminent && reading.severity == Severity::Risk {
            reading.severity = Severity::Imminent;
        }
        return;
    }
    if matches!(
        reading.assessment,
        CrisisAssessment::SetAside(SetAside::Negated | SetAside::Topic | SetAside::Past)
    ) {
        return;
    }
    reading.learned = true;
    // Its imminent is trusted as it is: putting the emergency numbers first
    // for someone only at risk costs far less than the reverse.
    reading.severity = learned;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(p: [f32; 4]) -> CrisisSignal {
        CrisisSignal::from_probabilities(p, 0.9)
    }

    #[test]
    fn below_the_threshold_the_head_reads_nothing() {
        assert_eq!(severity(&signal([0.2, 0.1, 0.6, 0.1])), Severity::None);
        let mut reading = CrisisReading::none();
        raise(&mut reading, &signal([0.2, 0.1, 0.6, 0.1]));
        assert_eq!(reading, CrisisReading::none());
    }

    #[test]
    fn above_it_the_likeliest_severity_counts() {
        assert_eq!(severity(&signal([0.05, 0.7, 0.2, 0.05])), Severity::Concern);
        assert_eq!(severity(&signal([0.05, 0.05, 0.6, 0.3])), Severity::Risk);
        assert_eq!(
            severity(&signal([0.01, 0.01, 0.3, 0.68])),
            Severity::Imminent
        );
        let mut reading = CrisisReading::none();
        raise(&mut reading, &signal([0.05, 0.05, 0.6, 0.3]));
        assert_eq!(reading.severity, Severity::Risk);
        assert!(reading.learned && reading.is_crisis());
    }

    #[test]
    fn alone_its_imminent_puts_the_emergency_numbers_first() {
        let mut reading = CrisisReading::none();
        raise(&mut reading, &signal([0.01, 0.0, 0.09, 0.9]));
        assert_eq!(reading.severity, Severity::Imminent);
        assert!(reading.learned);
    }

    #[test]
    fn it_never_lowers_the_rules_reading() {
        let mut reading = CrisisReading {
            severity: Severity::Imminent,
            ..CrisisReading::none()
        };
        raise(&mut reading, &signal([0.05, 0.05, 0.85, 0.05]));
        assert_eq!(reading.severity, Severity::Imminent);
        raise(&mut reading, &signal([0.99, 0.0, 0.01, 0.0]));
        assert_eq!(reading.severity, Severity::Imminent);
        assert!(!reading.learned, "the rules found it");
    }

    #[test]
    fn a_negation_the_rules_saw_stands() {
        let mut reading = CrisisReading {
            assessment: CrisisAssessment::SetAside(SetAside::Negated),
            ..CrisisReading::none()
        };
        raise(&mut reading, &signal([0.01, 0.01, 0.97, 0.01]));
        assert!(!reading.is_crisis());
    }
}
