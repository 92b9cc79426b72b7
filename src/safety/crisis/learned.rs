//! The learned signal beside the rules: the crisis model the emotion model
//! file carries (`model/train/crisis_model.py`: a small encoder fine-tuned on
//! crisis and not-crisis messages, ko + en), run on the same tokens as the
//! emotion, before the language model and without it. It sees the message
//! with the writer's earlier messages (the emotion model's context), so it
//! also reads risk spread over a conversation.
//!
//! It raises readings: a crisis the rules found on a plain phrase of danger
//! stays a crisis, and the model may add urgency, or read the writer's own
//! danger where the rules read worry for someone else. It lowers only a rules
//! reading that rests on weak evidence (a borderline phrase the emotion did
//! not support, a phrase said laughing or about a story, a goodbye that
//! leaving said before explains, the conversation, worry for someone else
//! with no phrase of danger) and only when it reads the message as plainly
//! none — lyrics quoted, a game's 자살각, a chat's "thanks for everything
//! today". Both thresholds were chosen on the development parts of the
//! evaluation set (docs/safety.md has the figures).

use super::{CrisisAssessment, CrisisReading, SetAside, Severity};
use crate::emotion::CrisisSignal;

/// The probability of a crisis from which the model's reading counts when
/// one of the writer's last messages was a crisis by the rules: the model
/// reads the message with those messages, and a follow-up (「해볼게」, "ready",
/// 「많이」) is rarely harmless after them. Chosen on the development parts
/// (docs/safety.md).
pub const AFTER_RISK: f32 = 0.5;

/// The probability of imminent danger from which a crisis read at risk
/// leads with the emergency numbers, though imminent is not the model's
/// likeliest class: putting them first for someone at risk costs far less
/// than the reverse. Chosen on the development parts (docs/safety.md): from
/// 0.1 it sent 4 of their 6 imminent cases read at risk to the emergency
/// numbers, and 13 of their 988 crises of risk or worry.
pub const IMMINENT_FROM: f32 = 0.1;

/// Whether the model reads enough of a chance of danger now
/// ([`IMMINENT_FROM`]) to put the emergency numbers first.
pub(super) fn reads_danger_now(signal: &CrisisSignal) -> bool {
    signal.imminent >= IMMINENT_FROM
}

/// The severity the head reads: `None` below `threshold` (its own, or
/// [`AFTER_RISK`] after a risky message), else the most likely of concern,
/// risk and imminent.
fn severity_from(signal: &CrisisSignal, threshold: f32) -> Severity {
    if signal.crisis_probability() < threshold {
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

/// Clears a rules reading that rests on weak evidence when the model reads
/// plainly no crisis ([`CrisisSignal::clears`]).
pub(super) fn clear(reading: &mut CrisisReading, signal: &CrisisSignal) {
    if reading.rests_on_weak_evidence() && signal.clears() {
        *reading = CrisisReading {
            assessment: reading.assessment,
            cleared_by_model: true,
            ..CrisisReading::none()
        };
    }
}

/// Raises `reading` (the rules' reading of `text`) with what the model read:
/// a message no rule matched becomes a crisis at the model's severity; a
/// rules' risk becomes imminent when the model reads imminent.
/// When the rules explained a phrase away as negated ("I'd never…"), as a
/// topic (news, fiction, study) or as past and resolved, that explanation
/// stands: those are exactly the phrasings a sentence-level reader confuses.
pub(super) fn raise(reading: &mut CrisisReading, signal: &CrisisSignal) {
    let threshold = if reading.risk_before {
        signal.threshold.min(AFTER_RISK)
    } else {
        signal.threshold
    };
    let learned = match severity_from(signal, threshold) {
        // The lexical model catches words the encoder reads past; it tells
        // no severity, so risk (danger-now words still make it imminent).
        Severity::None if signal.lexical_flags() => Severity::Risk,
        severity => severity,
    };
    if !learned.is_crisis() {
        return;
    }
    if reading.is_crisis() {
        // The rules' crisis stands; the head may only make it more urgent:
        // risk to imminent, or worry for someone else to the writer's own
        // risk — whose danger it is, the head reads better than the rules'
        // subject heuristic (「형이 먼저 간다」 is the writer, not an older brother).
        reading.severity = reading.severity.max(learned);
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

    fn severity(signal: &CrisisSignal) -> Severity {
        severity_from(signal, signal.threshold)
    }

    fn signal(p: [f32; 4]) -> CrisisSignal {
        CrisisSignal::from_probabilities(p, 0.9)
    }

    fn weak_rules_reading() -> CrisisReading {
        CrisisReading {
            severity: Severity::Risk,
            assessment: CrisisAssessment::SetAside(SetAside::NotSupported),
            category: Some(super::super::Category::PassiveWish),
            ..CrisisReading::none()
        }
    }

    #[test]
    fn a_plain_none_clears_only_a_reading_on_weak_evidence() {
        let calm = signal([0.97, 0.01, 0.01, 0.01]).clearing_below(0.1);
        let mut reading = weak_rules_reading();
        clear(&mut reading, &calm);
        assert!(!reading.is_crisis() && reading.cleared_by_model);

        // A plain phrase of danger stands whatever the model reads.
        let mut plain = CrisisReading {
            severity: Severity::Risk,
            assessment: CrisisAssessment::Crisis(super::super::Category::Ideation),
            category: Some(super::super::Category::Ideation),
            ..CrisisReading::none()
        };
        clear(&mut plain, &calm);
        assert_eq!(plain.severity, Severity::Risk);

        // Unsure is not plainly none; and without a clearing level nothing is cleared.
        let mut reading = weak_rules_reading();
        clear(
            &mut reading,
            &signal([0.85, 0.05, 0.05, 0.05]).clearing_below(0.1),
        );
        assert!(reading.is_crisis());
        clear(&mut reading, &signal([0.99, 0.0, 0.01, 0.0]));
        assert!(reading.is_crisis());
    }

    #[test]
    fn after_a_risky_message_the_model_counts_from_a_lower_probability() {
        let moderate = signal([0.3, 0.05, 0.6, 0.05]);
        let mut alone = CrisisReading::none();
        raise(&mut alone, &moderate);
        assert!(!alone.is_crisis(), "below the threshold on its own");
        let mut after_risk = CrisisReading {
            risk_before: true,
            ..CrisisReading::none()
        };
        raise(&mut after_risk, &moderate);
        assert_eq!(after_risk.severity, Severity::Risk);
        assert!(after_risk.learned);
        let mut calm = CrisisReading {
            risk_before: true,
            ..CrisisReading::none()
        };
        raise(&mut calm, &signal([0.6, 0.1, 0.2, 0.1]));
        assert!(!calm.is_crisis(), "a calm reading stays calm after risk");
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
    fn it_reads_whose_danger_it_is() {
        let worry = || CrisisReading {
            severity: Severity::Concern,
            assessment: CrisisAssessment::SetAside(SetAside::OtherPerson),
            ..CrisisReading::none()
        };
        // The rules took the writer for someone else; the head reads the writer at risk.
        let mut reading = worry();
        raise(&mut reading, &signal([0.02, 0.08, 0.1, 0.8]));
        assert_eq!(reading.severity, Severity::Imminent);
        assert!(!reading.learned, "the rules found a crisis");
        let mut reading = worry();
        raise(&mut reading, &signal([0.02, 0.08, 0.8, 0.1]));
        assert_eq!(reading.severity, Severity::Risk);
        // The head reads worry for someone else too, or nothing: worry stands.
        let mut reading = worry();
        raise(&mut reading, &signal([0.02, 0.9, 0.05, 0.03]));
        assert_eq!(reading.severity, Severity::Concern);
        let mut reading = worry();
        raise(&mut reading, &signal([0.95, 0.01, 0.02, 0.02]));
        assert_eq!(reading.severity, Severity::Concern);
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
    fn the_lexical_model_alone_raises_a_reading_both_others_left_at_none() {
        let calm = signal([0.9, 0.03, 0.04, 0.03]);
        let mut reading = CrisisReading::none();
        raise(&mut reading, &calm.with_lexical(0.74, 0.75));
        assert!(!reading.is_crisis(), "below its threshold");
        raise(&mut reading, &calm.with_lexical(0.8, 0.75));
        assert_eq!(reading.severity, Severity::Risk, "it tells no severity");
        assert!(reading.learned);
        // It never lowers what the encoder reads, and a negation the rules
        // saw stands against it as against the encoder.
        let mut imminent = CrisisReading::none();
        raise(
            &mut imminent,
            &signal([0.05, 0.0, 0.05, 0.9]).with_lexical(0.8, 0.75),
        );
        assert_eq!(imminent.severity, Severity::Imminent);
        let mut negated = CrisisReading {
            assessment: CrisisAssessment::SetAside(SetAside::Negated),
            ..CrisisReading::none()
        };
        raise(&mut negated, &calm.with_lexical(0.99, 0.75));
        assert!(!negated.is_crisis());
        // Without the lexical model nothing counts from it.
        let mut reading = CrisisReading::none();
        raise(
            &mut reading,
            &calm.with_lexical(0.99, 0.75).without_lexical(),
        );
        assert!(!reading.is_crisis());
    }

    #[test]
    fn a_negation_the_rules_saw_stands_unless_taken_back() {
        let mut reading = CrisisReading {
            assessment: CrisisAssessment::SetAside(SetAside::Negated),
            ..CrisisReading::none()
        };
        raise(&mut reading, &signal([0.01, 0.01, 0.97, 0.01]));
        assert!(!reading.is_crisis());
        // Unless a later sentence took the denial back: then the model reads it.
        let mut taken_back = CrisisReading {
            assessment: CrisisAssessment::SetAside(SetAside::DenialTakenBack),
            ..CrisisReading::none()
        };
        raise(&mut taken_back, &signal([0.01, 0.01, 0.97, 0.01]));
        assert_eq!(taken_back.severity, Severity::Risk);
    }
}
