use super::llm::OPENAI_DEFAULT_BASE;
use super::*;

fn env(pairs: &[(&str, &str)]) -> Figment {
    let mut figment = Figment::new();
    for (k, v) in pairs {
        let key = k
            .trim_start_matches("MAEUM__")
            .replace("__", ".")
            .to_lowercase();
        figment = figment.merge(figment::providers::Serialized::default(&key, v.to_string()));
    }
    figment
}

#[test]
fn defaults_load_and_are_offline_on_sqlite() {
    let s =
        Settings::load_with(None, Figment::new(), Secrets::default()).expect("defaults are valid");
    assert_eq!(s.llm_endpoint(), LlmEndpoint::Offline);
    assert_eq!(s.database_url().expose(), "sqlite:data/maeum.db");
    assert_eq!(s.llm.prompt_format, PromptFormat::Tagged);
}

#[test]
fn safety_defaults_come_from_the_default_toml() {
    let s = Settings::load_with(None, Figment::new(), Secrets::default()).unwrap();
    assert_eq!(s.safety, SafetySettings::default());
    assert_eq!(s.safety.redaction, RedactionSettings::ALL);
    assert!(s.safety.crisis.enabled);
    let korean = s.safety.crisis_lines["ko"].lines.join("\n");
    for number in ["109", "1577-0199", "112", "119"] {
        assert!(korean.contains(number), "{number} in {korean}");
    }
    assert!(s.safety.crisis_lines.contains_key("en"));
}

#[test]
fn a_safety_locale_without_lines_is_rejected() {
    let err = Settings::load_with(
        None,
        env(&[("MAEUM__SAFETY__LOCALE", "fr")]),
        Secrets::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("safety.locale"), "{err}");
}

#[test]
fn secrets_choose_the_endpoint_and_database() {
    let secrets = Secrets::from_lookup(|k| match k {
        "OPENAI_API_KEY" => Some("sk-test".into()),
        "DATABASE_URL" => Some("postgres://127.0.0.1/test".into()),
        _ => None,
    });
    let s = Settings::load_with(None, Figment::new(), secrets).unwrap();
    assert_eq!(
        s.llm_endpoint(),
        LlmEndpoint::OpenAiCompatible {
            base_url: OPENAI_DEFAULT_BASE.into()
        }
    );
    assert!(
        !format!("{s:?}").contains("sk-test"),
        "secrets must not show in Debug"
    );
}

#[test]
fn a_wrongly_typed_value_names_its_key() {
    let err = Settings::load_with(
        None,
        env(&[("MAEUM__LLM__TEMPERATURE", "warm")]),
        Secrets::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("llm.temperature"), "{err}");
}

#[test]
fn an_out_of_range_value_names_its_key() {
    let err = Settings::load_with(
        None,
        env(&[("MAEUM__LLM__TEMPERATURE", "3.5")]),
        Secrets::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("llm.temperature"), "{err}");
}

#[test]
fn an_unknown_key_is_rejected_by_name() {
    let err = Settings::load_with(
        None,
        env(&[("MAEUM__LLM__TEMPRATURE", "0.5")]),
        Secrets::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("temprature"), "{err}");
}

#[test]
fn discord_shards_must_fit_the_count() {
    let shards = |id: u32, count: u32| {
        Figment::new()
            .merge(figment::providers::Serialized::default(
                "discord.shard_id",
                id,
            ))
            .merge(figment::providers::Serialized::default(
                "discord.shard_count",
                count,
            ))
    };
    let err = Settings::load_with(None, shards(2, 2), Secrets::default()).unwrap_err();
    assert!(err.to_string().contains("discord.shard_id"), "{err}");
    let err = Settings::load_with(None, shards(0, 0), Secrets::default()).unwrap_err();
    assert!(err.to_string().contains("discord.shard_count"), "{err}");
    let ok =
        Settings::load_with(None, shards(1, 2), Secrets::default()).expect("shard 1 of 2 is valid");
    assert_eq!((ok.discord.shard_id, ok.discord.shard_count), (1, 2));
}

#[test]
fn a_discord_proxy_must_be_an_http_url() {
    let err = Settings::load_with(
        None,
        env(&[("MAEUM__DISCORD__PROXY_URL", "127.0.0.1:8080")]),
        Secrets::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("discord.proxy_url"), "{err}");
}

#[test]
fn privacy_and_admin_settings_are_read_and_checked() {
    let s = Settings::load_with(None, Figment::new(), Secrets::default()).unwrap();
    assert!(s.privacy.require_consent, "consent is asked by default");
    assert!(
        s.admin.operators().next().is_none(),
        "nobody is an admin by default"
    );

    let figment = Figment::new().merge(figment::providers::Serialized::default(
        "admin.ids",
        vec!["telegram:123", "console:local"],
    ));
    let s = Settings::load_with(None, figment, Secrets::default()).unwrap();
    assert_eq!(
        s.admin.operators().collect::<Vec<_>>(),
        [("telegram", "123"), ("console", "local")]
    );

    let figment = Figment::new().merge(figment::providers::Serialized::default(
        "admin.ids",
        vec!["telegram-123"],
    ));
    let err = Settings::load_with(None, figment, Secrets::default()).unwrap_err();
    assert!(err.to_string().contains("admin.ids"), "{err}");

    // HTTP and web users prove nothing about who they are.
    for unproven in ["http:root", "web:0123"] {
        let figment = Figment::new().merge(figment::providers::Serialized::default(
            "admin.ids",
            vec![unproven],
        ));
        let err = Settings::load_with(None, figment, Secrets::default()).unwrap_err();
        assert!(err.to_string().contains(unproven), "{err}");
    }

    let err = Settings::load_with(
        None,
        env(&[("MAEUM__PRIVACY__NOTICE_VERSION", "0")]),
        Secrets::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("privacy.notice_version"), "{err}");
}

#[test]
fn telegram_addresses_must_be_http_urls() {
    for (key, value) in [
        ("MAEUM__TELEGRAM__API_URL", "127.0.0.1:8081"),
        ("MAEUM__TELEGRAM__WEBHOOK_URL", "maeum.example.com/hook"),
    ] {
        let err = Settings::load_with(None, env(&[(key, value)]), Secrets::default()).unwrap_err();
        let named = key.trim_start_matches("MAEUM__").replace("__", ".");
        assert!(err.to_string().contains(&named.to_lowercase()), "{err}");
    }
    let ok = Settings::load_with(
        None,
        env(&[
            (
                "MAEUM__TELEGRAM__WEBHOOK_URL",
                "https://maeum.example.com/hook",
            ),
            ("MAEUM__TELEGRAM__WEBHOOK_LISTEN", "127.0.0.1:8443"),
        ]),
        Secrets::default(),
    )
    .unwrap();
    assert_eq!(ok.telegram.webhook_listen.port(), 8443);
}

#[test]
fn a_missing_config_file_is_named() {
    let err = Settings::load_with(
        Some(Path::new("/nonexistent/maeum.toml")),
        Figment::new(),
        Secrets::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/maeum.toml"), "{err}");
}
