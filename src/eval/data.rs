//! Reading evaluation files.
//!
//! Two layouts, told apart by their header row:
//! - the corpus's own (xlsx or csv): `감정_대분류, 감정_소분류, 사람문장1..N`,
//!   one dialogue per row, optionally a `code` column (else the code follows
//!   from 대분류 + 소분류);
//! - sentences (csv or xlsx): `sentence, code`, optionally `dialogue_id` and
//!   `turn` so utterances can be read in their dialogue's context.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Reader};

use super::Example;
use crate::emotion::{EmotionLabel, Utterance};

#[derive(Debug, thiserror::Error)]
pub enum EvalDataError {
    #[error("{path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error(
        "{path}: unrecognised columns [{found}]; expected the corpus layout (감정_대분류, 감정_소분류, 사람문장1, …) \
         or a CSV with `sentence,code`"
    )]
    UnknownLayout { path: String, found: String },
    #[error("{path}, row {row}: {reason}")]
    BadRow {
        path: String,
        row: usize,
        reason: String,
    },
    #[error("{path}: no labelled utterances found")]
    Empty { path: String },
}

/// A sheet as strings: the header row and the data rows.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The non-blank data rows with their numbers as a spreadsheet shows them
    /// (the header is row 1).
    fn data_rows(&self) -> impl Iterator<Item = (usize, &[String])> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row.iter().any(|c| !c.trim().is_empty()))
            .map(|(index, row)| (index + 2, row.as_slice()))
    }
}

fn bad_row(path: &str, row: usize, reason: String) -> EvalDataError {
    EvalDataError::BadRow {
        path: path.to_string(),
        row,
        reason,
    }
}

/// Reads `path` (`.xlsx`/`.xls`/`.ods` or CSV). With `with_context`, each
/// utterance carries the speaker's earlier utterances of its dialogue.
pub fn load_examples(path: &Path, with_context: bool) -> Result<Vec<Example>, EvalDataError> {
    let display = path.display().to_string();
    let table = read_table(path).map_err(|reason| EvalDataError::Unreadable {
        path: display.clone(),
        reason,
    })?;
    let examples = if table.column("감정_대분류").is_some() && table.column("사람문장1").is_some()
    {
        dialogue_layout(&table, &display, with_context)?
    } else if table.column("sentence").is_some() && table.column("code").is_some() {
        sentence_layout(&table, &display, with_context)?
    } else {
        return Err(EvalDataError::UnknownLayout {
            path: display,
            found: table.headers.join(", "),
        });
    };
    if examples.is_empty() {
        return Err(EvalDataError::Empty { path: display });
    }
    Ok(examples)
}

fn read_table(path: &Path) -> Result<Table, String> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mut rows = if matches!(extension.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        read_spreadsheet(path)?
    } else {
        read_csv(path)?
    };
    if rows.is_empty() {
        return Err("the file is empty".to_string());
    }
    let headers = rows
        .remove(0)
        .into_iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok(Table { headers, rows })
}

fn read_spreadsheet(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| "the workbook has no sheet".to_string())?
        .map_err(|e| e.to_string())?;
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect())
}

fn read_csv(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("not a readable CSV: {e}"))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

fn cell(row: &[String], column: Option<usize>) -> &str {
    column
        .and_then(|c| row.get(c))
        .map(|s| s.trim())
        .unwrap_or("")
}

fn dialogue_layout(
    table: &Table,
    path: &str,
    with_context: bool,
) -> Result<Vec<Example>, EvalDataError> {
    let major = table.column("감정_대분류");
    let sub = table.column("감정_소분류");
    let code = table.column("code");
    // 사람문장1, 사람문장2, … in turn order.
    let mut turns: Vec<(usize, usize)> = table
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            h.strip_prefix("사람문장")?
                .parse::<usize>()
                .ok()
                .map(|n| (n, i))
        })
        .collect();
    turns.sort();

    let mut examples = Vec::new();
    for (row_number, row) in table.data_rows() {
        let bad = |reason: String| bad_row(path, row_number, reason);
        let gold = match cell(row, code) {
            "" => {
                let (major, sub) = (cell(row, major), cell(row, sub));
                EmotionLabel::by_names(major, sub).ok_or_else(|| {
                    bad(format!(
                        "unknown emotion {major:?} / {sub:?} (감정_대분류 / 감정_소분류)"
                    ))
                })?
            }
            code => EmotionLabel::by_code(code)
                .ok_or_else(|| bad(format!("unknown emotion code {code:?}")))?,
        };
        let mut earlier: Vec<String> = Vec::new();
        for (turn, column) in &turns {
            let text = cell(row, Some(*column));
            if text.is_empty() {
                continue;
            }
            examples.push(Example {
                utterance: Utterance {
                    text: text.to_string(),
                    context: if with_context {
                        earlier.clone()
                    } else {
                        Vec::new()
                    },
                },
                turn: *turn,
                gold,
            });
            earlier.push(text.to_string());
        }
    }
    Ok(examples)
}

fn sentence_layout(
    table: &Table,
    path: &str,
    with_context: bool,
) -> Result<Vec<Example>, EvalDataError> {
    let sentence = table.column("sentence");
    let code = table.column("code");
    let dialogue = table.column("dialogue_id");
    let turn = table.column("turn");

    // (dialogue, turn) → example, so context can be gathered per dialogue in turn order.
    let mut examples = Vec::new();
    let mut dialogues: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (row_number, row) in table.data_rows() {
        let bad = |reason: String| bad_row(path, row_number, reason);
        let text = cell(row, sentence);
        let code_text = cell(row, code);
        let gold = EmotionLabel::by_code(code_text)
            .ok_or_else(|| bad(format!("unknown emotion code {code_text:?}")))?;
        let turn_number = match cell(row, turn) {
            "" => 1,
            t => t
                .parse::<f64>()
                .ok()
                .filter(|t| *t >= 1.0 && t.fract() == 0.0)
                .map(|t| t as usize)
                .ok_or_else(|| bad(format!("turn {t:?} is not a positive whole number")))?,
        };
        if let Some(id) = Some(cell(row, dialogue)).filter(|id| !id.is_empty()) {
            dialogues
                .entry(id.to_string())
                .or_default()
                .push((turn_number, examples.len()));
        }
        examples.push(Example {
            utterance: Utterance::alone(text),
            turn: turn_number,
            gold,
        });
    }
    if with_context {
        for members in dialogues.values_mut() {
            members.sort();
            let texts: Vec<String> = members
                .iter()
                .map(|(_, i)| examples[*i].utterance.text.clone())
                .collect();
            for (position, (_, i)) in members.iter().enumerate() {
                examples[*i].utterance.context = texts[..position].to_vec();
            }
        }
    }
    Ok(examples)
}
