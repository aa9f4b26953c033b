//! The content fingerprint: the set of character-bigram hashes of a normalised text, and
//! the similarity of two such sets.
//!
//! Chinese has no spaces, and most words are two characters, so adjacent-character pairs
//! (bigrams) are the usual unit for matching Chinese text without a dictionary: two
//! callers describing the same factory share its name's bigrams (宏达 达化 化工) and the
//! problem's (半夜 排放 刺鼻) whatever their sentence order.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::RepeatError;
use crate::vocabulary::{self, OTHER_WEIGHT};

/// Version of the normalisation, stop lists, division names and hash. Stored with every fingerprint so a
/// server holding fingerprints of an older version recomputes them from the content
/// (`RepeatError::FingerprintStale`) instead of comparing incompatible hashes.
///
/// Still 1 after traditional characters were folded to simplified ones and grouped
/// numbers (`139 1234 5678`) dropped: that changed only the fingerprints of texts with
/// such characters or numbers, and an older one of those is still a valid set of the
/// same hashes (it matches a new one less well until the case is saved again), whereas
/// a new version would make every stored fingerprint unreadable at once.
pub const FINGERPRINT_VERSION: u8 = 1;

/// Digit runs this long or longer are phone, identity-card or work-order numbers: they
/// are personal data or noise, never what makes two complaints the same, and must not be
/// recoverable from a stored fingerprint. Shorter runs (`88号`, `3栋`, `2号排口`) are kept.
const LONG_NUMBER: usize = 7;

/// A parsed fingerprint never holds more hashes than this (content is at most 5,000
/// characters, so at most about 5,000 bigrams); bounds the memory a corrupt row can take.
const MAX_FEATURES: usize = 1 << 16;

/// Shrink constant of the containment term: a shorter text with `n` bigrams has its
/// containment multiplied by `n / (n + SHRINK)`, so that three generic bigrams
/// (`臭味大`) contained in a long complaint do not count as a repeat of it, while a
/// follow-up naming the factory and the problem (seven or more bigrams) still scores.
const SHRINK: f32 = 6.0;

/// When two texts share no bigram of full weight (only the frame, everyday words and
/// kinds of pollution), their similarity counts this much.
const GENERIC_ONLY: f32 = 0.3;

/// Characters so common in complaints that a bigram containing them says nothing about
/// the subject (的 了 我们 这个 …). They break the text like punctuation does, so they
/// also produce no junk bigram with their neighbours. (A `match`, not a slice: it is
/// asked for every character.)
#[rustfmt::skip]
fn is_stop_char(c: char) -> bool {
    matches!(c,
          '的' | '了' | '是' | '在' | '和' | '与' | '及' | '也' | '就' | '都' | '又' | '很'
        | '把' | '被' | '我' | '你' | '他' | '她' | '它' | '们' | '这' | '那' | '个' | '吗'
        | '呢' | '吧' | '啊' | '着' | '其' | '并' | '但' | '而' | '还' | '说' | '请'
    )
}

/// Boilerplate words of complaint writing (反映 希望 尽快处理 …) found in most cases
/// whatever their subject. Like stop characters they break the text.
#[rustfmt::skip]
fn is_stop_bigram(a: char, b: char) -> bool {
    matches!((a, b),
          ('反', '映') | ('举', '报') | ('投', '诉') | ('来', '电') | ('来', '信') | ('群', '众') | ('市', '民')
        | ('居', '民') | ('希', '望') | ('要', '求') | ('相', '关') | ('部', '门') | ('尽', '快') | ('处', '理')
        | ('解', '决') | ('问', '题') | ('严', '重') | ('影', '响') | ('情', '况') | ('目', '前')
        | ('一', '直') | ('多', '次') | ('没', '有') | ('附', '近') | ('周', '边') | ('政', '府')
        | ('调', '查') | ('核', '实') | ('查', '处') | ('整', '改') | ('环', '保') | ('环', '境') | ('污', '染')
        | ('生', '活') | ('身', '体') | ('健', '康') | ('有', '关') | ('进', '行') | ('导', '致') | ('造', '成')
    )
}

/// The set of bigram hashes of a text: sorted, without duplicates.
///
/// Compute it with [`Fingerprint::of`]; store it with [`Fingerprint::to_bytes`] (a BLOB
/// of `1 + 4n` bytes) or its text form (`Display`, [`Fingerprint::parse`]; base64url, the
/// form serde uses).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Fingerprint {
    hashes: Vec<u32>,
    /// The sum of the hashes' weights ([`vocabulary::weight`]), in 1/`UNIT`: computed
    /// once, it is the denominator of every comparison.
    mass: u32,
    /// The kinds of problem the text names ([`vocabulary::kinds`]), one bit each.
    kinds: u16,
}

/// What a character is, for cutting the text into units.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One unit per character (Han, kana, hangul, other letters).
    Char,
    /// ASCII letters: a run is one unit (`cod`, `pm`).
    Latin,
    /// ASCII digits: a short run is one unit (`88`), a long run is dropped.
    Digit,
    /// Punctuation, spaces, symbols: break the text.
    Break,
}

fn kind(c: char) -> Kind {
    if c.is_ascii_digit() {
        Kind::Digit
    } else if c.is_ascii_alphabetic() {
        Kind::Latin
    } else if is_stop_char(c) {
        Kind::Break
    } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric() {
        // The common ideographs first: the Unicode table lookup is the slow path.
        Kind::Char
    } else {
        Kind::Break
    }
}

/// Full-width ASCII (`ＡＢＣ１２３`, common in text typed with a Chinese IME) to
/// half-width and Latin to lower case, so `ＣＯＤ` and `cod` match (the part of NFKC
/// that matters here, without a Unicode table in the WASM bundle); traditional
/// characters to simplified ones (`廢氣` and `废气` match).
fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => duban_hanzi::simplified(c),
    };
    c.to_ascii_lowercase()
}

/// The hash of one character as a unit of text.
pub(crate) fn unit_hash(c: char) -> u64 {
    let mut h = Fnv::new();
    h.char(c);
    h.0
}

/// FNV-1a, 64 bits. Fingerprints are stored, so the hash must never change with the
/// Rust version or platform (std's `DefaultHasher` may).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// The hash of a pair of units; splitmix64's finaliser spreads the bits before the
/// truncation to 32.
pub(crate) fn pair(a: u64, b: u64) -> u32 {
    let mut z = a.rotate_left(29) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) as u32
}

/// One unit of text: its hash and, for single characters, the character (to match the
/// stop bigrams).
#[derive(Clone, Copy)]
struct Unit {
    hash: u64,
    ch: Option<char>,
}

/// The names of Jiangsu's divisions as characters, longest first (so the first that
/// ends a piece of text is the longest), built once: `Fingerprint::of` asks at every
/// 省 市 区 县.
fn division_names() -> &'static [Box<[char]>] {
    static NAMES: OnceLock<Vec<Box<[char]>>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<Box<[char]>> = duban_divisions::all()
            .iter()
            .map(|d| d.name().chars().collect())
            .collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        names.dedup();
        names
    })
}

/// Cuts normalised text into segments of units and emits the bigram hashes of each.
struct Builder {
    hashes: Vec<u32>,
    segment: Vec<Unit>,
}

impl Builder {
    fn push(&mut self, u: Unit) {
        // A boilerplate word ends the segment and takes its first character back out.
        if let (Some(prev), Some(c)) = (self.segment.last().and_then(|p| p.ch), u.ch)
            && is_stop_bigram(prev, c)
        {
            self.segment.pop();
            self.flush();
            return;
        }
        self.segment.push(u);
        if let Some('省' | '市' | '区' | '县') = u.ch {
            self.drop_division_name();
        }
    }
    /// Names of Jiangsu divisions (`镇江市`, `京口区`) cut the text and are left out:
    /// the candidates come from the same division or city, so its name is in most of
    /// them and would only add the same similarity to every one (the division is
    /// weighed on its own, from the code).
    fn drop_division_name(&mut self) {
        let mut tail = ['\0'; 8]; // the longest name has 4 characters
        let mut k = 0;
        for unit in self.segment.iter().rev().take(tail.len()) {
            let Some(c) = unit.ch else { break };
            k += 1;
            tail[tail.len() - k] = c;
        }
        let tail = &tail[tail.len() - k..];
        let longest = division_names()
            .iter()
            // The last character first: a slice compare per name costs a memcmp call.
            .find(|name| name.last() == tail.last() && tail.ends_with(name))
            .map(|name| name.len());
        if let Some(n) = longest {
            self.segment.truncate(self.segment.len() - n);
            self.flush();
        }
    }
    fn flush(&mut self) {
        for w in self.segment.windows(2) {
            self.hashes.push(pair(w[0].hash, w[1].hash));
        }
        self.segment.clear();
    }
}

impl Fingerprint {
    /// The fingerprint of a complaint. Pass the content and the address text together
    /// (`format!("{address}\n{content}")`): the address names the place the way callers
    /// name it (`幸福花园3栋`).
    ///
    /// Normalisation: full-width ASCII to half-width, Latin to lower case; punctuation,
    /// spaces, symbols, the stop characters, boilerplate words and the names of Jiangsu
    /// divisions cut the text; a run of
    /// Latin letters or of fewer than seven digits is one unit, longer digit runs (phone
    /// numbers) are dropped; then every pair of adjacent units within a piece is hashed.
    pub fn of(text: &str) -> Fingerprint {
        let mut b = Builder {
            hashes: Vec::with_capacity(text.len() / 3 + 1),
            segment: Vec::with_capacity(32),
        };
        let mut chars = text.chars().map(fold).peekable();
        while let Some(c) = chars.next() {
            match kind(c) {
                Kind::Char => b.push(Unit {
                    hash: unit_hash(c),
                    ch: Some(c),
                }),
                k @ (Kind::Latin | Kind::Digit) => {
                    let mut h = Fnv::new();
                    h.char(c);
                    let mut len = 1;
                    loop {
                        match chars.peek() {
                            Some(&n) if kind(n) == k => {
                                h.char(n);
                                len += 1;
                                chars.next();
                            }
                            // A number written in groups (`139 1234 5678`,
                            // `0511-8888 6666`) is one run: one space or dash between
                            // digits does not end it.
                            Some(' ' | '-') if k == Kind::Digit => {
                                let mut ahead = chars.clone();
                                ahead.next();
                                if !ahead.peek().is_some_and(char::is_ascii_digit) {
                                    break;
                                }
                                chars.next();
                            }
                            _ => break,
                        }
                    }
                    if k == Kind::Digit && len >= LONG_NUMBER {
                        // An identity-card number may end in x: drop that too.
                        if chars.peek() == Some(&'x') {
                            chars.next();
                        }
                        b.flush();
                    } else {
                        b.push(Unit {
                            hash: h.0,
                            ch: None,
                        });
                    }
                }
                Kind::Break => b.flush(),
            }
        }
        b.flush();
        let mut hashes = b.hashes;
        hashes.sort_unstable();
        hashes.dedup();
        Fingerprint::from_hashes(hashes)
    }

    fn from_hashes(hashes: Vec<u32>) -> Fingerprint {
        let mass = hashes.iter().map(|&h| vocabulary::weight(h)).sum();
        let kinds = hashes.iter().fold(0, |k, &h| k | vocabulary::kinds(h));
        Fingerprint {
            hashes,
            mass,
            kinds,
        }
    }

    /// Number of distinct bigrams.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// True when the text had no bigram (empty, or only punctuation and stop words).
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Number of bigrams the two share (a merge of two sorted lists).
    pub fn common(&self, other: &Fingerprint) -> usize {
        let (a, b) = (&self.hashes, &other.hashes);
        let (mut i, mut j, mut n) = (0, 0, 0);
        // Branch-free steps: with random hashes a three-way branch mispredicts half the
        // time, and this loop is what ranking 1,000 candidates spends its time in.
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            n += usize::from(x == y);
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
        n
    }

    /// Sørensen–Dice coefficient `2|A∩B| / (|A|+|B|)`: 1 for the same bigrams, 0 when
    /// nothing is shared or either side is empty.
    pub fn dice(&self, other: &Fingerprint) -> f32 {
        let total = self.len() + other.len();
        if self.is_empty() || other.is_empty() {
            return 0.0;
        }
        (2 * self.common(other)) as f32 / total as f32
    }

    /// Overlap coefficient `|A∩B| / min(|A|,|B|)`: the share of the shorter text found
    /// in the longer one.
    pub fn containment(&self, other: &Fingerprint) -> f32 {
        let n = self.len().min(other.len());
        if n == 0 {
            return 0.0;
        }
        self.common(other) as f32 / n as f32
    }

    /// The weight of the bigrams the two share, in 1/`UNIT`, and how many of them are
    /// of the subject's own words (full weight). A merge of two sorted lists; the
    /// weight is looked up only for the shared ones.
    fn shared_mass(&self, other: &Fingerprint) -> (u32, u32) {
        let (a, b) = (&self.hashes, &other.hashes);
        let (mut i, mut j, mut mass, mut own) = (0, 0, 0, 0);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            if x == y {
                let w = vocabulary::weight(x);
                mass += w;
                own += u32::from(w == OTHER_WEIGHT);
            }
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
        (mass, own)
    }

    /// The content similarity used for scoring, in `[0, 1]` and symmetric: weighted
    /// `max(dice, containment × m/(m+6))`, where each bigram counts with its weight
    /// (the frame of a complaint not at all, everyday complaint words and kinds of
    /// pollution less than the rest: see `vocabulary`) and `m` is the weight of the
    /// lighter text; times 0.3 when none of the shared bigrams is of full weight.
    ///
    /// Why weights: two complaints about different places in the same 12345 words
    /// (`群众反映…噪声扰民…请尽快处理`) shared most of their bigrams and read as
    /// repeats; what makes two complaints the same is their subject's own words.
    /// Why both terms: Dice alone punishes a short repeat of a long complaint (a
    /// follow-up naming the factory against a long original), and containment alone lets
    /// any short generic text score 1 against every long one. The shrink factor asks a
    /// short text for enough weight before its containment counts; texts of similar
    /// length are scored by Dice, where it is the larger term.
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        let m = self.mass.min(other.mass);
        if m == 0 {
            return 0.0;
        }
        // One merge for both terms: this is the inner loop of ranking.
        let (shared, own) = self.shared_mass(other);
        let shared = shared as f32;
        let dice = 2.0 * shared / (self.mass + other.mass) as f32;
        // containment × m/(m+SHRINK) = shared/m × m/(m+SHRINK)
        let contained = shared / (m as f32 + SHRINK * OTHER_WEIGHT as f32);
        // Sharing only the words every complaint of the kind uses (夜间施工噪声扰民) is
        // not sharing a subject.
        let generic = if own == 0 { GENERIC_ONLY } else { 1.0 };
        (generic * dice.max(contained)).clamp(0.0, 1.0)
    }

    /// How far the kinds of problem and source the two texts name (noise, fumes,
    /// waste water, dust; a site, a restaurant …) agree, in `[0, 1]`: the share of the
    /// kinds named by either that both name (Jaccard). 1 when either names none.
    /// Two complaints about one place and different kinds share the place's words,
    /// and only this tells them apart.
    pub fn kind_agreement(&self, other: &Fingerprint) -> f32 {
        let either = (self.kinds | other.kinds).count_ones();
        if self.kinds == 0 || other.kinds == 0 || either == 0 {
            return 1.0;
        }
        (self.kinds & other.kinds).count_ones() as f32 / either as f32
    }

    /// The storage form: the version byte, then each hash as 4 little-endian bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + 4 * self.hashes.len());
        out.push(FINGERPRINT_VERSION);
        for h in &self.hashes {
            out.extend_from_slice(&h.to_le_bytes());
        }
        out
    }

    /// Reads [`Fingerprint::to_bytes`]. A fingerprint of another version is
    /// `FingerprintStale`: recompute it from the content.
    pub fn from_bytes(bytes: &[u8]) -> Result<Fingerprint, RepeatError> {
        let Some((&version, body)) = bytes.split_first() else {
            return Err(RepeatError::FingerprintMalformed);
        };
        if version != FINGERPRINT_VERSION {
            return Err(RepeatError::FingerprintStale { version });
        }
        if body.len() % 4 != 0 || body.len() / 4 > MAX_FEATURES {
            return Err(RepeatError::FingerprintMalformed);
        }
        let hashes: Vec<u32> = body
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        // Similarity relies on a strictly ascending list.
        if hashes.windows(2).any(|w| w[0] >= w[1]) {
            return Err(RepeatError::FingerprintMalformed);
        }
        Ok(Fingerprint::from_hashes(hashes))
    }

    /// Reads the text form (base64url of [`Fingerprint::to_bytes`], no padding).
    pub fn parse(s: &str) -> Result<Fingerprint, RepeatError> {
        let bytes = base64url::decode(s).ok_or(RepeatError::FingerprintMalformed)?;
        Fingerprint::from_bytes(&bytes)
    }
}

impl fmt::Display for Fingerprint {
    /// The text form: base64url of [`Fingerprint::to_bytes`], no padding
    /// (`4⌈(1+4n)·4/3⌉/4` characters, about 5.3 per bigram).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base64url::encode(&self.to_bytes()))
    }
}

impl FromStr for Fingerprint {
    type Err = RepeatError;
    fn from_str(s: &str) -> Result<Fingerprint, RepeatError> {
        Fingerprint::parse(s)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Fingerprint, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Fingerprint::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// base64url without padding (RFC 4648 §5): a dozen lines instead of a dependency.
pub(crate) mod base64url {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    pub(crate) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }

    fn value(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        }))
    }

    pub(crate) fn decode(s: &str) -> Option<Vec<u8>> {
        let s = s.as_bytes();
        if s.len() % 4 == 1 {
            return None;
        }
        let mut out = Vec::with_capacity(s.len() * 3 / 4);
        for chunk in s.chunks(4) {
            let mut n = 0u32;
            for (i, &c) in chunk.iter().enumerate() {
                n |= value(c)? << (18 - 6 * i);
            }
            let bytes = chunk.len() - 1;
            // Unused low bits must be zero, so every fingerprint has one text form.
            if (n >> (16 - 8 * (bytes - 1))) << (16 - 8 * (bytes - 1)) != n {
                return None;
            }
            for i in 0..bytes {
                out.push((n >> (16 - 8 * i)) as u8);
            }
        }
        Some(out)
    }
}
