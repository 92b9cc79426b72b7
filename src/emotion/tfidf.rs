//! Character n-gram TF-IDF vectors, as scikit-learn's `TfidfVectorizer`
//! computes them with `sublinear_tf=True` and L2 normalisation: the text
//! lower-cased, its n-grams counted, each count `c` of a known n-gram
//! weighted `(1 + ln c) · idf`, the vector scaled to length 1. The two text
//! models beside the encoder (the neutral reader, the n-gram emotion model)
//! read text through this one implementation.

use std::collections::HashMap;
use std::ops::RangeInclusive;

/// How a text is cut into n-grams (scikit-learn's `analyzer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analyzer {
    /// `char_wb`: each whitespace-separated word padded with a space on both
    /// sides; a padded word no longer than n gives itself once.
    WordBounded,
    /// `char`: the whole text, runs of two or more whitespace characters
    /// first made one space.
    Chars,
}

/// A vocabulary of n-grams with their idf, and how to cut a text into them.
#[derive(Debug)]
pub struct TfIdf {
    analyzer: Analyzer,
    sizes: RangeInclusive<usize>,
    index: HashMap<String, u32>,
    idf: Vec<f32>,
}

impl TfIdf {
    /// `grams[i]` has `idf[i]`; feature `i` of a vector is that n-gram.
    pub fn new(
        analyzer: Analyzer,
        sizes: RangeInclusive<usize>,
        grams: Vec<String>,
        idf: Vec<f32>,
    ) -> Result<TfIdf, String> {
        if grams.len() != idf.len() {
            return Err(format!(
                "{} n-grams but {} idf values",
                grams.len(),
                idf.len()
            ));
        }
        if *sizes.start() == 0 || sizes.is_empty() {
            return Err(format!("n-gram sizes {sizes:?} are not a range from 1 up"));
        }
        let count = grams.len();
        let index: HashMap<String, u32> = grams
            .into_iter()
            .enumerate()
            .map(|(i, gram)| (gram, i as u32))
            .collect();
        if index.len() != count {
            return Err("an n-gram is listed twice".into());
        }
        Ok(TfIdf {
            analyzer,
            sizes,
            index,
            idf,
        })
    }

    /// The L2-normalised vector of `text` as (feature, value) pairs, in
    /// feature order (a hash map's order changes from run to run, and so
    /// would the last bits of every sum over the vector); empty when no
    /// n-gram of `text` is known.
    pub fn vector(&self, text: &str) -> Vec<(usize, f32)> {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        self.each_gram(&text.to_lowercase(), |gram| {
            if let Some(&i) = self.index.get(gram) {
                *counts.entry(i).or_default() += 1;
            }
        });
        let mut vector: Vec<(usize, f32)> = counts
            .into_iter()
            .map(|(i, c)| {
                let i = i as usize;
                (i, (1.0 + (c as f32).ln()) * self.idf[i])
            })
            .collect();
        vector.sort_unstable_by_key(|&(i, _)| i);
        let norm = vector.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, v) in &mut vector {
                *v /= norm;
            }
        }
        vector
    }

    /// Calls `visit` with every n-gram of an already lower-cased text.
    fn each_gram(&self, text: &str, mut visit: impl FnMut(&str)) {
        match self.analyzer {
            Analyzer::WordBounded => {
                for word in text.split_whitespace() {
                    let padded = format!(" {word} ");
                    windows(&padded, &self.sizes, true, &mut visit);
                }
            }
            Analyzer::Chars => windows(&collapse_whitespace(text), &self.sizes, false, &mut visit),
        }
    }
}

/// Every run of `sizes` consecutive characters of `text`. With
/// `whole_when_short`, a text no longer than n gives itself once for that n
/// and longer n are skipped (`char_wb`); without, sizes longer than the text
/// give nothing (`char`).
fn windows(
    text: &str,
    sizes: &RangeInclusive<usize>,
    whole_when_short: bool,
    visit: &mut impl FnMut(&str),
) {
    // Byte offsets of every character boundary, so n-grams are slices.
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars = bounds.len() - 1;
    for n in sizes.clone() {
        if chars <= n {
            if whole_when_short {
                visit(text);
                break;
            }
            if chars < n {
                break;
            }
        }
        for start in 0..=chars - n {
            visit(&text[bounds[start]..bounds[start + n]]);
        }
    }
}

/// Runs of two or more whitespace characters become one space (scikit-learn's
/// `\s\s+` → " "); a single whitespace character stays as it is.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() && chars.peek().is_some_and(|next| next.is_whitespace()) {
            while chars.peek().is_some_and(|next| next.is_whitespace()) {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(analyzer: Analyzer, sizes: RangeInclusive<usize>, text: &str) -> Vec<String> {
        let tfidf = TfIdf::new(analyzer, sizes, Vec::new(), Vec::new()).expect("a vocabulary");
        let mut out = Vec::new();
        tfidf.each_gram(&text.to_lowercase(), |g| out.push(g.to_string()));
        out
    }

    #[test]
    fn word_bounded_grams_pad_each_word_and_a_short_word_counts_once() {
        assert_eq!(
            grams(Analyzer::WordBounded, 1..=3, "Hi 너"),
            [
                " ", "h", "i", " ", " h", "hi", "i ", " hi", "hi ", " ", "너", " ", " 너", "너 ",
                " 너 "
            ]
        );
    }

    #[test]
    fn char_grams_run_across_words_and_collapse_whitespace_runs() {
        assert_eq!(
            grams(Analyzer::Chars, 1..=3, "A  b"),
            ["a", " ", "b", "a ", " b", "a b"]
        );
        // A single tab is kept as it is; no n-gram is longer than the text.
        assert_eq!(
            grams(Analyzer::Chars, 2..=5, "a\tb"),
            ["a\t", "\tb", "a\tb"]
        );
        assert!(grams(Analyzer::Chars, 1..=2, "").is_empty());
    }

    #[test]
    fn a_vector_is_sublinear_tf_times_idf_normalised() {
        let tfidf = TfIdf::new(
            Analyzer::Chars,
            1..=1,
            vec!["a".into(), "b".into(), "z".into()],
            vec![1.0, 2.0, 5.0],
        )
        .expect("a vocabulary");
        let mut v = tfidf.vector("AaB?");
        v.sort_by_key(|(i, _)| *i);
        // a: (1 + ln 2) · 1, b: 1 · 2, then divided by the length.
        let (a, b) = (1.0 + 2f32.ln(), 2.0);
        let norm = (a * a + b * b).sqrt();
        assert_eq!(v.len(), 2);
        assert!((v[0].1 - a / norm).abs() < 1e-6 && (v[1].1 - b / norm).abs() < 1e-6);
        assert!(tfidf.vector("???").is_empty());
        assert!(TfIdf::new(Analyzer::Chars, 1..=1, vec!["a".into()], vec![]).is_err());
    }
}
