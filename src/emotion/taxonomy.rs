//! The Korean emotional-dialogue taxonomy: 60 codes E10–E69 in six groups.
//!
//! The tens digit of a code is its group. Two fine names occur in two groups
//! (고립된: E43/E51, 혼란스러운: E34/E59), so there are 58 fine names but 60 codes.
//! Each code carries an emoji for display: any Unicode emoji works on Discord,
//! Telegram reactions map it to the nearest allowed one in the adapter.

use serde::Serialize;

/// One of the six emotion groups (감정 대분류).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EmotionGroup {
    Anger,
    Sadness,
    Anxiety,
    Hurt,
    Embarrassment,
    Joy,
}

impl EmotionGroup {
    pub const ALL: [EmotionGroup; 6] = [
        EmotionGroup::Anger,
        EmotionGroup::Sadness,
        EmotionGroup::Anxiety,
        EmotionGroup::Hurt,
        EmotionGroup::Embarrassment,
        EmotionGroup::Joy,
    ];

    /// The group's Korean name as the corpus writes it.
    pub fn korean(self) -> &'static str {
        match self {
            EmotionGroup::Anger => "분노",
            EmotionGroup::Sadness => "슬픔",
            EmotionGroup::Anxiety => "불안",
            EmotionGroup::Hurt => "상처",
            EmotionGroup::Embarrassment => "당황",
            EmotionGroup::Joy => "기쁨",
        }
    }

    pub fn english(self) -> &'static str {
        match self {
            EmotionGroup::Anger => "anger",
            EmotionGroup::Sadness => "sadness",
            EmotionGroup::Anxiety => "anxiety",
            EmotionGroup::Hurt => "hurt",
            EmotionGroup::Embarrassment => "embarrassment",
            EmotionGroup::Joy => "joy",
        }
    }

    /// The group's own label (E10, E20, … E60: the fine name is the group's
    /// name): what is shown when only the group is known.
    pub fn label(self) -> &'static EmotionLabel {
        let code = match self {
            EmotionGroup::Anger => "E10",
            EmotionGroup::Sadness => "E20",
            EmotionGroup::Anxiety => "E30",
            EmotionGroup::Hurt => "E40",
            EmotionGroup::Embarrassment => "E50",
            EmotionGroup::Joy => "E60",
        };
        TAXONOMY
            .iter()
            .find(|l| l.code == code)
            .unwrap_or(&TAXONOMY[0])
    }

    pub fn from_korean(name: &str) -> Option<EmotionGroup> {
        EmotionGroup::ALL
            .into_iter()
            .find(|g| g.korean() == name.trim())
    }
}

/// One emotion code of the taxonomy.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct EmotionLabel {
    /// `E10`…`E69`.
    pub code: &'static str,
    pub group: EmotionGroup,
    /// The fine emotion (감정 소분류), e.g. `우울한`.
    pub sub: &'static str,
    pub emoji: &'static str,
}

impl EmotionLabel {
    /// Looks a code up (`E24`, case-insensitive).
    pub fn by_code(code: &str) -> Option<&'static EmotionLabel> {
        let code = code.trim();
        TAXONOMY.iter().find(|l| l.code.eq_ignore_ascii_case(code))
    }

    /// An emotion as a person names it: a code (`E24`), a group (`슬픔`,
    /// `sadness`: its own label) or a fine name (`우울한`).
    pub fn by_name(name: &str) -> Option<&'static EmotionLabel> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        EmotionLabel::by_code(name)
            .or_else(|| {
                EmotionGroup::ALL
                    .into_iter()
                    .find(|g| g.korean() == name || g.english().eq_ignore_ascii_case(name))
                    .map(EmotionGroup::label)
            })
            .or_else(|| TAXONOMY.iter().find(|l| l.sub == name))
    }

    /// The code for a group and fine name, as the corpus's 대분류 + 소분류 columns give them.
    pub fn by_names(major: &str, sub: &str) -> Option<&'static EmotionLabel> {
        let group = EmotionGroup::from_korean(major)?;
        TAXONOMY
            .iter()
            .find(|l| l.group == group && l.sub == sub.trim())
    }

    /// The tag shown to users, e.g. `#우울한 · 슬픔`; just `#슬픔` where the
    /// fine name is the group's own name.
    pub fn tag(&self) -> String {
        let sub = self.sub.replace(' ', "_");
        if self.sub == self.group.korean() {
            format!("#{sub}")
        } else {
            format!("#{sub} · {}", self.group.korean())
        }
    }
}

macro_rules! label {
    ($code:literal, $group:ident, $sub:literal, $emoji:literal) => {
        EmotionLabel {
            code: $code,
            group: EmotionGroup::$group,
            sub: $sub,
            emoji: $emoji,
        }
    };
}

/// All 60 codes in order E10…E69; index `i` is code `E{10 + i}`.
pub static TAXONOMY: [EmotionLabel; 60] = [
    label!("E10", Anger, "분노", "😠"),
    label!("E11", Anger, "툴툴대는", "😤"),
    label!("E12", Anger, "좌절한", "😣"),
    label!("E13", Anger, "짜증내는", "😒"),
    label!("E14", Anger, "방어적인", "🛡️"),
    label!("E15", Anger, "악의적인", "😈"),
    label!("E16", Anger, "안달하는", "😫"),
    label!("E17", Anger, "구역질 나는", "🤢"),
    label!("E18", Anger, "노여워하는", "😡"),
    label!("E19", Anger, "성가신", "🙄"),
    label!("E20", Sadness, "슬픔", "😢"),
    label!("E21", Sadness, "실망한", "😞"),
    label!("E22", Sadness, "비통한", "💔"),
    label!("E23", Sadness, "후회되는", "😔"),
    label!("E24", Sadness, "우울한", "🌧️"),
    label!("E25", Sadness, "마비된", "😶"),
    label!("E26", Sadness, "염세적인", "🌚"),
    label!("E27", Sadness, "눈물이 나는", "😭"),
    label!("E28", Sadness, "낙담한", "😩"),
    label!("E29", Sadness, "환멸을 느끼는", "😑"),
    label!("E30", Anxiety, "불안", "😟"),
    label!("E31", Anxiety, "두려운", "😨"),
    label!("E32", Anxiety, "스트레스 받는", "😖"),
    label!("E33", Anxiety, "취약한", "🥺"),
    label!("E34", Anxiety, "혼란스러운", "😵‍💫"),
    label!("E35", Anxiety, "당혹스러운", "😦"),
    label!("E36", Anxiety, "회의적인", "🤨"),
    label!("E37", Anxiety, "걱정스러운", "😰"),
    label!("E38", Anxiety, "조심스러운", "🫣"),
    label!("E39", Anxiety, "초조한", "😬"),
    label!("E40", Hurt, "상처", "🩹"),
    label!("E41", Hurt, "질투하는", "😒"),
    label!("E42", Hurt, "배신당한", "🗡️"),
    label!("E43", Hurt, "고립된", "🏝️"),
    label!("E44", Hurt, "충격 받은", "😱"),
    label!("E45", Hurt, "가난한, 불우한", "🥀"),
    label!("E46", Hurt, "희생된", "🥀"),
    label!("E47", Hurt, "억울한", "😤"),
    label!("E48", Hurt, "괴로워하는", "😖"),
    label!("E49", Hurt, "버려진", "🥀"),
    label!("E50", Embarrassment, "당황", "😳"),
    label!("E51", Embarrassment, "고립된", "🫥"),
    label!("E52", Embarrassment, "남의 시선을 의식하는", "👀"),
    label!("E53", Embarrassment, "외로운", "🥲"),
    label!("E54", Embarrassment, "열등감", "😓"),
    label!("E55", Embarrassment, "죄책감의", "😣"),
    label!("E56", Embarrassment, "부끄러운", "🙈"),
    label!("E57", Embarrassment, "혐오스러운", "🤮"),
    label!("E58", Embarrassment, "한심한", "🤦"),
    label!("E59", Embarrassment, "혼란스러운", "😵"),
    label!("E60", Joy, "기쁨", "😊"),
    label!("E61", Joy, "감사하는", "🙏"),
    label!("E62", Joy, "신뢰하는", "🤝"),
    label!("E63", Joy, "편안한", "😌"),
    label!("E64", Joy, "만족스러운", "😁"),
    label!("E65", Joy, "흥분", "🤩"),
    label!("E66", Joy, "느긋", "😎"),
    label!("E67", Joy, "안도", "😮‍💨"),
    label!("E68", Joy, "신이 난", "🥳"),
    label!("E69", Joy, "자신하는", "💪"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_in_order_and_grouped_by_tens_digit() {
        for (i, label) in TAXONOMY.iter().enumerate() {
            assert_eq!(label.code, format!("E{}", 10 + i));
            assert_eq!(label.group, EmotionGroup::ALL[i / 10]);
        }
    }

    #[test]
    fn there_are_58_distinct_fine_names() {
        let names: std::collections::HashSet<_> = TAXONOMY.iter().map(|l| l.sub).collect();
        assert_eq!(names.len(), 58);
    }

    #[test]
    fn lookups_by_code_and_by_names_agree() {
        let label = EmotionLabel::by_code("e24").expect("E24 exists");
        assert_eq!(label.sub, "우울한");
        assert_eq!(EmotionLabel::by_names("슬픔", "우울한"), Some(label));
        assert_eq!(
            EmotionLabel::by_names("당황", "고립된").map(|l| l.code),
            Some("E51")
        );
        assert_eq!(
            EmotionLabel::by_names("상처", "고립된").map(|l| l.code),
            Some("E43")
        );
        assert!(EmotionLabel::by_code("E70").is_none());
        assert_eq!(label.tag(), "#우울한 · 슬픔");
        assert_eq!(EmotionLabel::by_code("E20").unwrap().tag(), "#슬픔");
        for group in EmotionGroup::ALL {
            assert_eq!(group.label().group, group);
            assert_eq!(group.label().sub, group.korean());
        }
        assert_eq!(
            EmotionLabel::by_code("E27").unwrap().tag(),
            "#눈물이_나는 · 슬픔"
        );
    }
}
