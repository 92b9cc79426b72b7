//! The person's emotional arc: the emotion groups read from their own stored
//! messages over time — counted for `/mood` (last 7 and 30 days), drawn as a
//! small chart ([`chart`]), and the trend worth telling the language model
//! ("mostly 슬픔 for several days", "a sharp change today").
//!
//! Only readings already stored with each turn are used (consented users'
//! turns; nothing extra is kept). Nothing here knows who else might see it:
//! the pipeline shows `/mood` to the person only, and reads the trend only
//! from the chat the reply goes to.

pub mod chart;

use chrono::{DateTime, Duration, Utc};

use crate::emotion::{EmotionGroup, EmotionLabel};

/// One emotion read from one of the person's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub at: DateTime<Utc>,
    pub group: EmotionGroup,
}

impl Reading {
    /// A stored reading (`E24` at a time); `None` for a code not in the taxonomy.
    pub fn from_code(at: DateTime<Utc>, code: &str) -> Option<Reading> {
        EmotionLabel::by_code(code).map(|label| Reading {
            at,
            group: label.group,
        })
    }
}

/// How often each group was read over a span of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// In [`EmotionGroup::ALL`] order.
    pub by_group: [u32; 6],
}

impl Counts {
    fn of<'a>(readings: impl Iterator<Item = &'a Reading>) -> Counts {
        let mut counts = Counts::default();
        for reading in readings {
            counts.by_group[group_index(reading.group)] += 1;
        }
        counts
    }

    pub fn total(&self) -> u32 {
        self.by_group.iter().sum()
    }

    /// The groups read, most often first (ties in taxonomy order), with counts.
    pub fn ranked(&self) -> Vec<(EmotionGroup, u32)> {
        let mut ranked: Vec<(EmotionGroup, u32)> = EmotionGroup::ALL
            .into_iter()
            .zip(self.by_group)
            .filter(|(_, n)| *n > 0)
            .collect();
        ranked.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        ranked
    }

    /// The most frequent group and its share of all readings, when there are any.
    fn dominant(&self) -> Option<(EmotionGroup, f64)> {
        let total = self.total();
        let (group, n) = *self.ranked().first()?;
        Some((group, f64::from(n) / f64::from(total)))
    }
}

fn group_index(group: EmotionGroup) -> usize {
    EmotionGroup::ALL
        .iter()
        .position(|g| *g == group)
        .unwrap_or_default()
}

/// `/mood`: the last 7 and the last 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mood {
    pub week: Counts,
    pub month: Counts,
}

impl Mood {
    pub fn of(readings: &[Reading], now: DateTime<Utc>) -> Mood {
        let within = |days: i64| {
            let since = now - Duration::days(days);
            Counts::of(readings.iter().filter(move |r| r.at > since && r.at <= now))
        };
        Mood {
            week: within(7),
            month: within(30),
        }
    }
}

/// What the recent readings say, when something stands out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trend {
    /// One unpleasant group most of the time over several days.
    Lasting {
        group: EmotionGroup,
        /// Its share of the readings, in percent.
        percent: u32,
        /// On how many of the last 7 days it was read.
        days: u32,
    },
    /// Today reads unlike the days before.
    ChangedToday {
        before: EmotionGroup,
        today: EmotionGroup,
    },
}

/// Readings over at least this many days, this many in all, make a lasting trend.
const LASTING_DAYS: usize = 3;
const LASTING_READINGS: u32 = 6;
/// The share one group needs to be "mostly" it.
const MOSTLY: f64 = 0.5;

/// The trend in `readings` (the newest included) as of `now`: a lasting one
/// over the last 7 days when one unpleasant group is at least half of at
/// least 6 readings on at least 3 days; else a change today when today's
/// (at least 2 readings, ≥ 60 % one group) differs from the 6 days before
/// (at least 4 readings on 2 days, ≥ 50 % one group) and one of the two is
/// joy. `None` when nothing stands out.
pub fn trend(readings: &[Reading], now: DateTime<Utc>) -> Option<Trend> {
    let week: Vec<&Reading> = readings
        .iter()
        .filter(|r| r.at > now - Duration::days(7) && r.at <= now)
        .collect();
    let days_of = |rs: &[&Reading]| {
        let mut days: Vec<i64> = rs.iter().map(|r| (now - r.at).num_days()).collect();
        days.sort_unstable();
        days.dedup();
        days.len()
    };
    let counts = Counts::of(week.iter().copied());
    if let Some((group, share)) = counts.dominant()
        && group != EmotionGroup::Joy
        && share >= MOSTLY
        && counts.total() >= LASTING_READINGS
    {
        let with_group: Vec<&Reading> = week.iter().copied().filter(|r| r.group == group).collect();
        if days_of(&week) >= LASTING_DAYS && days_of(&with_group) >= LASTING_DAYS {
            return Some(Trend::Lasting {
                group,
                percent: (share * 100.0).round() as u32,
                days: days_of(&with_group) as u32,
            });
        }
    }
    let (today, before): (Vec<&Reading>, Vec<&Reading>) = week
        .iter()
        .copied()
        .partition(|r| now - r.at < Duration::days(1));
    let today_counts = Counts::of(today.iter().copied());
    let before_counts = Counts::of(before.iter().copied());
    let (today_group, today_share) = today_counts.dominant()?;
    let (before_group, before_share) = before_counts.dominant()?;
    let marked = today_counts.total() >= 2
        && today_share >= 0.6
        && before_counts.total() >= 4
        && days_of(&before) >= 2
        && before_share >= MOSTLY
        && today_group != before_group
        && (today_group == EmotionGroup::Joy || before_group == EmotionGroup::Joy);
    marked.then_some(Trend::ChangedToday {
        before: before_group,
        today: today_group,
    })
}

impl Trend {
    /// The note the language model is given (Korean, like its other notes).
    pub fn note(&self) -> String {
        match self {
            Trend::Lasting {
                group,
                percent,
                days,
            } => format!(
                "최근 7일 중 {days}일 동안 '{}' 쪽 감정이 자주 읽혔어 (전체의 {percent}%). 단정하지 말고, 요즘 어떤지 부드럽게 살펴봐.",
                group.korean()
            ),
            Trend::ChangedToday { before, today } => format!(
                "지난 며칠은 주로 '{}'였는데 오늘은 '{}' 쪽이야. 달라진 걸 자연스럽게 알아봐 줘.",
                before.korean(),
                today.korean()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0)
            .single()
            .expect("a time")
    }

    fn read(days_ago: i64, hours_ago: i64, code: &str) -> Reading {
        Reading::from_code(
            now() - Duration::days(days_ago) - Duration::hours(hours_ago),
            code,
        )
        .expect("a code")
    }

    #[test]
    fn counts_cover_the_last_7_and_30_days() {
        let readings = [
            read(0, 1, "E20"),
            read(2, 0, "E24"),
            read(6, 0, "E60"),
            read(8, 0, "E20"),
            read(29, 0, "E10"),
            read(31, 0, "E10"),
        ];
        let mood = Mood::of(&readings, now());
        assert_eq!(mood.week.by_group, [0, 2, 0, 0, 0, 1]);
        assert_eq!(mood.month.by_group, [1, 3, 0, 0, 0, 1]);
        assert_eq!(
            mood.month.ranked(),
            vec![
                (EmotionGroup::Sadness, 3),
                (EmotionGroup::Anger, 1),
                (EmotionGroup::Joy, 1)
            ]
        );
    }

    #[test]
    fn mostly_sad_over_several_days_is_a_lasting_trend() {
        let readings = [
            read(5, 0, "E20"),
            read(4, 0, "E24"),
            read(3, 0, "E60"),
            read(2, 0, "E21"),
            read(1, 0, "E30"),
            read(0, 1, "E22"),
        ];
        assert_eq!(
            trend(&readings, now()),
            Some(Trend::Lasting {
                group: EmotionGroup::Sadness,
                percent: 67,
                days: 4
            })
        );
    }

    #[test]
    fn a_few_sad_messages_in_one_evening_are_not_a_trend() {
        let readings = [
            read(0, 1, "E20"),
            read(0, 2, "E24"),
            read(0, 3, "E21"),
            read(0, 4, "E22"),
            read(0, 5, "E20"),
            read(0, 6, "E20"),
        ];
        assert_eq!(trend(&readings, now()), None);
        // Mostly joy is no trend to point out either.
        let happy: Vec<Reading> = (0..6).map(|d| read(d, 0, "E60")).collect();
        assert_eq!(trend(&happy, now()), None);
    }

    #[test]
    fn a_sharp_change_today_is_marked() {
        let readings = [
            read(4, 0, "E60"),
            read(3, 0, "E61"),
            read(2, 0, "E60"),
            read(1, 2, "E62"),
            read(0, 2, "E20"),
            read(0, 1, "E24"),
        ];
        assert_eq!(
            trend(&readings, now()),
            Some(Trend::ChangedToday {
                before: EmotionGroup::Joy,
                today: EmotionGroup::Sadness
            })
        );
        assert!(trend(&readings, now()).is_some_and(|t| t.note().contains("기쁨")));
    }
}
