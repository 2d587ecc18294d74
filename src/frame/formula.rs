//! Model formulas in R's syntax: parsing and R's term algebra (`terms.formula`).

use std::fmt;

use crate::{Error, Result};

/// The left-hand side of a formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseSpec {
    /// `Surv(time, status)`: right-censored survival.
    Surv {
        /// The time column.
        time: String,
        /// The status column (0/1, 1/2 or logical, as R's `Surv`).
        status: String,
    },
    /// `Surv(start, stop, event)`: counting-process survival.
    Counting {
        /// The interval start column.
        start: String,
        /// The interval stop column.
        stop: String,
        /// The event column.
        event: String,
    },
    /// A binary response column (0/1 or logical).
    Binary(String),
}

impl ResponseSpec {
    /// The columns the response reads, in order.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            ResponseSpec::Surv { time, status } => vec![time, status],
            ResponseSpec::Counting { start, stop, event } => vec![start, stop, event],
            ResponseSpec::Binary(y) => vec![y],
        }
    }
}

/// What a variable of the right-hand side is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableKind {
    /// A column as it is: numeric columns enter as numbers, text and logical columns as
    /// factors.
    Column,
    /// `factor(x)`: the column as a factor (numbers become levels sorted numerically).
    Factor,
    /// `strata(x)`: separate baseline hazards (Cox), not a term.
    Strata,
    /// `cluster(x)`: groups for the robust variance (Cox), not a term.
    Cluster,
    /// `offset(x)`: a known term of the linear predictor, not a term.
    Offset,
}

/// A variable of the right-hand side: a column, possibly wrapped in `factor()`, `strata()`,
/// `cluster()` or `offset()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The column it reads.
    pub column: String,
    /// How it enters the model.
    pub kind: VariableKind,
}

impl Variable {
    /// R's label of the variable (the deparsed call): `age`, `factor(ph_ecog)`,
    /// `strata(inst)`. Names that are not syntactic are back-quoted, as R deparses them.
    pub fn label(&self) -> String {
        let col = quote_name(&self.column);
        match self.kind {
            VariableKind::Column => col,
            VariableKind::Factor => format!("factor({col})"),
            VariableKind::Strata => format!("strata({col})"),
            VariableKind::Cluster => format!("cluster({col})"),
            VariableKind::Offset => format!("offset({col})"),
        }
    }

    fn is_special(&self) -> bool {
        matches!(
            self.kind,
            VariableKind::Strata | VariableKind::Cluster | VariableKind::Offset
        )
    }
}

/// R's rule for a syntactic name (letters, digits, `.` and `_`, not starting with a digit
/// or `_`); other names are back-quoted in labels.
pub(crate) fn quote_name(name: &str) -> String {
    let mut chars = name.chars();
    let syntactic = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => true,
        Some('.') => !matches!(chars.clone().next(), Some(d) if d.is_ascii_digit()),
        _ => false,
    } && name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
    if syntactic {
        name.to_string()
    } else {
        format!("`{name}`")
    }
}

/// A model formula in R's syntax, parsed and expanded into terms as R's `terms.formula`:
///
/// ```text
/// Surv(time, status) ~ age + factor(ph_ecog) + sex:age + strata(inst) + cluster(id) + offset(lw)
/// Surv(start, stop, event) ~ trt * age
/// response ~ a + b - 1
/// ```
///
/// * `a + b` adds terms, `a:b` is the interaction, `a*b` is `a + b + a:b`, `(a + b):c` is
///   `a:c + b:c`, `- t` removes a term, `- 1` or `+ 0` removes the intercept.
/// * Terms are ordered as R orders them: by degree (main effects first), then in the order
///   they appear; the variables of an interaction are ordered by their first appearance in
///   the formula, which gives R's labels (`y ~ sex:age + age` has the terms `age`, `sex:age`;
///   `y ~ age + g:age` has `age`, `age:g`).
/// * `strata()`, `cluster()` and `offset()` are not terms.
///
/// Set the reference level of a factor with [`Formula::with_reference`] (R's `relevel`) and
/// case weights with [`Formula::with_weights`].
///
/// # Examples
/// ```
/// use oncostat::frame::Formula;
/// # fn main() -> Result<(), oncostat::Error> {
/// let f = Formula::parse("Surv(time, status) ~ age*sex + factor(ph_ecog) + strata(inst)")?;
/// assert_eq!(f.term_labels(), ["age", "sex", "factor(ph_ecog)", "age:sex"]);
/// assert!(f.has_intercept());
/// let err = Formula::parse("y ~ age + + ").unwrap_err();
/// assert!(err.to_string().contains("position 11"), "{err}");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    text: String,
    response: Option<ResponseSpec>,
    variables: Vec<Variable>,
    terms: Vec<Vec<usize>>,
    intercept: bool,
    references: Vec<(String, String)>,
    weights: Option<String>,
    /// The variables of each `strata()` call, in order (`strata(a, b)` is one group).
    strata_groups: Vec<Vec<usize>>,
}

impl Formula {
    /// Parses a formula.
    ///
    /// # Errors
    /// [`Error::FormulaSyntax`] with the position (1-based character) and the text of the
    /// offending token: unbalanced parentheses, a missing `~`, an operator without operand,
    /// an unknown function, a number other than `0`/`1`, `strata()`/`cluster()`/`offset()`
    /// inside an interaction, a response on the right-hand side.
    pub fn parse(text: &str) -> Result<Self> {
        let tokens = lex(text)?;
        let mut p = Parser {
            tokens,
            pos: 0,
            variables: Vec::new(),
            positions: Vec::new(),
            strata_groups: Vec::new(),
            depth: 0,
        };
        let response = p.response()?;
        let rhs = p.sum()?;
        if let Some(tok) = p.peek() {
            return Err(p.error_at(tok, "unexpected token after the formula"));
        }
        let mut terms = rhs.terms;
        // a special may not appear inside an interaction
        for term in terms.iter().filter(|t| t.len() > 1) {
            if let Some(&v) = term.iter().find(|&&v| p.variables[v].is_special()) {
                let var = &p.variables[v];
                return Err(Error::FormulaSyntax {
                    position: p.positions[v],
                    token: super::shown(&var.label()),
                    reason: "strata(), cluster() and offset() cannot be part of an interaction"
                        .to_string(),
                });
            }
        }
        // specials are not terms
        terms.retain(|t| !(t.len() == 1 && p.variables[t[0]].is_special()));
        // R's order: by degree, then appearance (stable)
        terms.sort_by_key(Vec::len);
        Ok(Formula {
            text: text.to_string(),
            response,
            variables: p.variables,
            terms,
            intercept: rhs.intercept.unwrap_or(true),
            references: Vec::new(),
            weights: None,
            strata_groups: p.strata_groups,
        })
    }

    /// The reference level of a factor (R's `relevel(x, ref = level)`): `column` names the
    /// column of a text or logical variable or of `factor(column)`. The level is checked
    /// when the model frame is built.
    ///
    /// ```
    /// use oncostat::frame::Formula;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let f = Formula::parse("y ~ arm + age")?.with_reference("arm", "placebo");
    /// assert_eq!(f.references(), [("arm".to_string(), "placebo".to_string())]);
    /// # Ok(()) }
    /// ```
    pub fn with_reference(mut self, column: impl Into<String>, level: impl Into<String>) -> Self {
        let column = column.into();
        self.references.retain(|(c, _)| *c != column);
        self.references.push((column, level.into()));
        self
    }

    /// Case weights from a column (R's `weights =`); rows where it is missing are dropped.
    ///
    /// ```
    /// use oncostat::frame::Formula;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let f = Formula::parse("Surv(t, d) ~ x")?.with_weights("w");
    /// assert_eq!(f.weights(), Some("w"));
    /// # Ok(()) }
    /// ```
    pub fn with_weights(mut self, column: impl Into<String>) -> Self {
        self.weights = Some(column.into());
        self
    }

    /// The text the formula was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The response, `None` for a one-sided formula (`~ x`).
    pub fn response(&self) -> Option<&ResponseSpec> {
        self.response.as_ref()
    }

    /// The right-hand-side variables in order of first appearance (terms and specials).
    pub fn variables(&self) -> &[Variable] {
        &self.variables
    }

    /// The terms, as indices into [`Formula::variables`] (ascending), in R's order.
    pub fn terms(&self) -> &[Vec<usize>] {
        &self.terms
    }

    /// R's term labels (`attr(terms(f), "term.labels")` without the specials).
    pub fn term_labels(&self) -> Vec<String> {
        self.terms.iter().map(|t| self.term_label(t)).collect()
    }

    pub(crate) fn term_label(&self, term: &[usize]) -> String {
        term.iter()
            .map(|&v| self.variables[v].label())
            .collect::<Vec<_>>()
            .join(":")
    }

    /// `false` if the formula removes the intercept (`- 1`, `+ 0`).
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// Reference levels set with [`Formula::with_reference`].
    pub fn references(&self) -> &[(String, String)] {
        &self.references
    }

    /// The weights column set with [`Formula::with_weights`].
    pub fn weights(&self) -> Option<&str> {
        self.weights.as_deref()
    }

    /// Variables of a kind (e.g. every `strata()`), in order.
    /// The variables of each `strata()` call, in order: `strata(a, b) + strata(c)` gives
    /// `[[a, b], [c]]` (indices into [`Formula::variables`]).
    pub(crate) fn strata_groups(&self) -> &[Vec<usize>] {
        &self.strata_groups
    }

    pub(crate) fn specials(&self, kind: &VariableKind) -> Vec<&Variable> {
        self.variables.iter().filter(|v| v.kind == *kind).collect()
    }

    /// Every column the formula reads (response, variables, weights), without repeats.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let resp = self.response.iter().flat_map(ResponseSpec::columns);
        let vars = self.variables.iter().map(|v| v.column.as_str());
        for c in resp.chain(vars).chain(self.weights.as_deref()) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Formula {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Formula::parse(s)
    }
}

// ------------------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Number(String),
    Str(String),
    Op(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// 1-based character position
    pos: usize,
    text: String,
}

fn lex(text: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c.is_alphabetic() || c == '.' || c == '_' {
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            if s.starts_with('_')
                || (s.starts_with('.') && s[1..].starts_with(|d: char| d.is_ascii_digit()))
            {
                return Err(Error::FormulaSyntax {
                    position: start + 1,
                    token: s,
                    reason: "not a valid name (back-quote it: `name`)".to_string(),
                });
            }
            Tok::Name(s)
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            Tok::Number(chars[start..i].iter().collect())
        } else if c == '`' || c == '"' || c == '\'' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            if i >= chars.len() {
                return Err(Error::FormulaSyntax {
                    position: start + 1,
                    token: c.to_string(),
                    reason: "unclosed quote".to_string(),
                });
            }
            let s: String = chars[start + 1..i].iter().collect();
            i += 1;
            if c == '`' { Tok::Name(s) } else { Tok::Str(s) }
        } else if "~+-*:(),=^/".contains(c) {
            i += 1;
            Tok::Op(c)
        } else {
            return Err(Error::FormulaSyntax {
                position: start + 1,
                token: c.to_string(),
                reason: "unexpected character".to_string(),
            });
        };
        out.push(Token {
            tok,
            pos: start + 1,
            text: chars[start..i].iter().collect(),
        });
    }
    Ok(out)
}

// ------------------------------------------------------------------------- parser

/// The value of a right-hand-side expression: terms (sets of variable indices, ascending)
/// and an intercept request (`Some(true)` for `1`, `Some(false)` for `0` / `- 1`).
#[derive(Debug, Clone, Default)]
struct Expr {
    terms: Vec<Vec<usize>>,
    intercept: Option<bool>,
}

impl Expr {
    fn add(mut self, other: Expr) -> Expr {
        for t in other.terms {
            if !self.terms.contains(&t) {
                self.terms.push(t);
            }
        }
        if other.intercept.is_some() {
            self.intercept = other.intercept;
        }
        self
    }

    /// The interaction of two expressions, `None` when it would have more than
    /// [`MAX_FORMULA_TERMS`] terms.
    fn interact(&self, other: &Expr) -> Option<Expr> {
        if self.terms.len().saturating_mul(other.terms.len()) > MAX_FORMULA_TERMS {
            return None;
        }
        let mut terms: Vec<Vec<usize>> = Vec::new();
        for a in &self.terms {
            for b in &other.terms {
                let mut t: Vec<usize> = a.iter().chain(b).copied().collect();
                t.sort_unstable();
                t.dedup();
                if !terms.contains(&t) {
                    terms.push(t);
                }
            }
        }
        Some(Expr {
            terms,
            intercept: None,
        })
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    variables: Vec<Variable>,
    /// 1-based position of each variable's first appearance
    positions: Vec<usize>,
    /// The variables of each `strata()` call
    strata_groups: Vec<Vec<usize>>,
    /// How many parentheses are open at the current token
    depth: usize,
}

/// The deepest nesting of parentheses a formula may have. R's own parser stops near the
/// same depth (its C stack); a bound keeps a hostile `((((…` from overflowing ours.
pub(crate) const MAX_FORMULA_DEPTH: usize = 200;

/// The most terms a right-hand side may expand to (`(a+b+…)*(c+d+…)` multiplies them out);
/// no model has this many columns, and the bound keeps the expansion's work and memory small.
pub(crate) const MAX_FORMULA_TERMS: usize = 10_000;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn error_at(&self, tok: &Token, reason: &str) -> Error {
        Error::FormulaSyntax {
            position: tok.pos,
            token: super::shown(&tok.text),
            reason: reason.to_string(),
        }
    }

    fn error_end(&self, reason: &str) -> Error {
        let position = self
            .tokens
            .last()
            .map_or(1, |t| t.pos + t.text.chars().count());
        Error::FormulaSyntax {
            position,
            token: "end of formula".to_string(),
            reason: reason.to_string(),
        }
    }

    fn is_op(&self, c: char) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Op(o), .. }) if *o == c)
    }

    fn expect_op(&mut self, c: char) -> Result<()> {
        match self.next() {
            Some(Token {
                tok: Tok::Op(o), ..
            }) if o == c => Ok(()),
            Some(t) => Err(self.error_at(&t, &format!("expected `{c}`"))),
            None => Err(self.error_end(&format!("expected `{c}`"))),
        }
    }

    fn name(&mut self, what: &str) -> Result<String> {
        match self.next() {
            Some(Token {
                tok: Tok::Name(n), ..
            }) => Ok(n),
            Some(t) => Err(self.error_at(&t, &format!("expected {what}"))),
            None => Err(self.error_end(&format!("expected {what}"))),
        }
    }

    /// `[lhs] ~`
    fn response(&mut self) -> Result<Option<ResponseSpec>> {
        if self.is_op('~') {
            self.pos += 1;
            return Ok(None);
        }
        let Some(first) = self.next() else {
            return Err(self.error_end("empty formula: expected `response ~ terms`"));
        };
        let resp = match &first.tok {
            Tok::Name(n) if n == "Surv" && self.is_op('(') => {
                self.pos += 1;
                let mut cols = vec![self.name("a column name in Surv()")?];
                while self.is_op(',') {
                    self.pos += 1;
                    cols.push(self.name("a column name in Surv()")?);
                }
                self.expect_op(')')?;
                match cols.len() {
                    2 => ResponseSpec::Surv {
                        time: cols[0].clone(),
                        status: cols[1].clone(),
                    },
                    3 => ResponseSpec::Counting {
                        start: cols[0].clone(),
                        stop: cols[1].clone(),
                        event: cols[2].clone(),
                    },
                    _ => {
                        return Err(self.error_at(
                            &first,
                            "Surv() takes (time, status) or (start, stop, event)",
                        ));
                    }
                }
            }
            Tok::Name(n) if !self.is_op('(') => ResponseSpec::Binary(n.clone()),
            _ => {
                return Err(self.error_at(
                    &first,
                    "expected a response: Surv(time, status), Surv(start, stop, event) or a column name",
                ));
            }
        };
        match self.next() {
            Some(Token {
                tok: Tok::Op('~'), ..
            }) => Ok(Some(resp)),
            Some(t) => Err(self.error_at(&t, "expected `~` after the response")),
            None => Err(self.error_end("expected `~` and the terms after the response")),
        }
    }

    /// `sum := ['-'] product (('+' | '-') product)*`
    fn sum(&mut self) -> Result<Expr> {
        let mut acc = if self.is_op('-') {
            self.pos += 1;
            let rhs = self.product()?;
            subtract(Expr::default(), rhs)
        } else {
            self.product()?
        };
        loop {
            if self.is_op('+') {
                let op = self.pos;
                self.pos += 1;
                let rhs = self.product()?;
                acc = self.bounded_at(op, acc.add(rhs))?;
            } else if self.is_op('-') {
                self.pos += 1;
                let rhs = self.product()?;
                acc = subtract(acc, rhs);
            } else {
                return Ok(acc);
            }
        }
    }

    /// `product := interaction ('*' interaction)*`
    fn product(&mut self) -> Result<Expr> {
        let mut acc = self.interaction()?;
        while self.is_op('*') {
            let op = self.pos;
            self.pos += 1;
            let rhs = self.interaction()?;
            let both = self.interact_at(op, &acc, &rhs)?;
            acc = self.bounded_at(op, acc.add(rhs).add(both))?;
        }
        Ok(acc)
    }

    /// `interaction := atom (':' atom)*`
    fn interaction(&mut self) -> Result<Expr> {
        let mut acc = self.atom()?;
        while self.is_op(':') {
            let op = self.pos;
            self.pos += 1;
            let rhs = self.atom()?;
            acc = self.interact_at(op, &acc, &rhs)?;
        }
        Ok(acc)
    }

    /// `a * b` or `a : b` at token `op`, or the error that it expands to too many terms.
    fn interact_at(&self, op: usize, a: &Expr, b: &Expr) -> Result<Expr> {
        a.interact(b).ok_or_else(|| self.too_many_terms(op))
    }

    /// `e`, or the error at token `op` when it has more than [`MAX_FORMULA_TERMS`] terms.
    fn bounded_at(&self, op: usize, e: Expr) -> Result<Expr> {
        if e.terms.len() > MAX_FORMULA_TERMS {
            return Err(self.too_many_terms(op));
        }
        Ok(e)
    }

    fn too_many_terms(&self, op: usize) -> Error {
        let reason = format!(
            "the formula expands to more than {MAX_FORMULA_TERMS} terms here; \
             write the model's terms out or use fewer interactions"
        );
        match self.tokens.get(op) {
            Some(tok) => self.error_at(tok, &reason),
            None => self.error_end(&reason),
        }
    }

    fn variable(&mut self, column: String, kind: VariableKind, position: usize) -> Expr {
        let v = Variable { column, kind };
        let index = match self.variables.iter().position(|w| *w == v) {
            Some(i) => i,
            None => {
                self.variables.push(v);
                self.positions.push(position);
                self.variables.len() - 1
            }
        };
        Expr {
            terms: vec![vec![index]],
            intercept: None,
        }
    }

    fn atom(&mut self) -> Result<Expr> {
        let Some(tok) = self.next() else {
            return Err(self.error_end("expected a term"));
        };
        match &tok.tok {
            Tok::Op('(') => {
                if self.depth >= MAX_FORMULA_DEPTH {
                    return Err(self.error_at(
                        &tok,
                        &format!(
                            "parentheses nested more than {MAX_FORMULA_DEPTH} deep; \
                             remove the redundant ones"
                        ),
                    ));
                }
                self.depth += 1;
                let e = self.sum()?;
                self.depth -= 1;
                self.expect_op(')')?;
                Ok(e)
            }
            Tok::Number(s) => match s.as_str() {
                "1" => Ok(Expr {
                    terms: Vec::new(),
                    intercept: Some(true),
                }),
                "0" => Ok(Expr {
                    terms: Vec::new(),
                    intercept: Some(false),
                }),
                _ => Err(self.error_at(&tok, "only 0 and 1 (the intercept) may appear as numbers")),
            },
            Tok::Name(n) if self.is_op('(') => {
                self.pos += 1;
                let kind = match n.as_str() {
                    "factor" | "as.factor" => VariableKind::Factor,
                    "strata" => VariableKind::Strata,
                    "cluster" => VariableKind::Cluster,
                    "offset" => VariableKind::Offset,
                    "Surv" => {
                        return Err(self.error_at(&tok, "Surv() belongs on the left of `~`"));
                    }
                    _ => {
                        return Err(self.error_at(
                            &tok,
                            "unknown function (use factor(), strata(), cluster() or offset())",
                        ));
                    }
                };
                let column = self.name("a column name")?;
                // strata(a, b): the interaction of the levels
                let mut expr = self.variable(column, kind.clone(), tok.pos);
                let mut group = expr.terms.concat();
                while self.is_op(',') {
                    if kind != VariableKind::Strata {
                        let t = self.next().ok_or_else(|| self.error_end("expected `)`"))?;
                        return Err(self.error_at(
                            &t,
                            "this function takes one column (only strata() takes several)",
                        ));
                    }
                    self.pos += 1;
                    let column = self.name("a column name")?;
                    let more = self.variable(column, VariableKind::Strata, tok.pos);
                    group.extend(more.terms.concat());
                    expr = expr.add(more);
                }
                self.expect_op(')')?;
                if kind == VariableKind::Strata {
                    self.strata_groups.push(group);
                }
                Ok(expr)
            }
            Tok::Name(n) => {
                let n = n.clone();
                Ok(self.variable(n, VariableKind::Column, tok.pos))
            }
            Tok::Str(_) => Err(self.error_at(&tok, "a quoted string is not a term")),
            Tok::Op(_) => Err(self.error_at(&tok, "expected a term")),
        }
    }
}

/// `a - b`: removes b's terms; `- 1` removes the intercept, `- 0` adds it.
fn subtract(mut a: Expr, b: Expr) -> Expr {
    a.terms.retain(|t| !b.terms.contains(t));
    if let Some(i) = b.intercept {
        a.intercept = Some(!i);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(s: &str) -> Vec<String> {
        Formula::parse(s)
            .map(|f| f.term_labels())
            .unwrap_or_default()
    }

    #[test]
    fn r_term_algebra() {
        assert_eq!(labels("y ~ age + sex:age"), ["age", "age:sex"]);
        assert_eq!(
            labels("y ~ sex:age + g*age"),
            ["g", "age", "sex:age", "age:g"]
        );
        assert_eq!(
            labels("y ~ a*b*c"),
            ["a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"]
        );
        assert_eq!(labels("y ~ (a + b):c"), ["a:c", "b:c"]);
        assert_eq!(labels("y ~ a*b - a:b"), ["a", "b"]);
        assert_eq!(labels("y ~ a + a + a:a"), ["a"]);
        assert_eq!(
            labels("y ~ factor(g) + `my col`"),
            ["factor(g)", "`my col`"]
        );
        let f = Formula::parse("y ~ a - 1").unwrap();
        assert!(!f.has_intercept());
        assert!(!Formula::parse("y ~ 0 + a").unwrap().has_intercept());
        assert!(Formula::parse("y ~ a - 1 + 1").unwrap().has_intercept());
        let f =
            Formula::parse("Surv(t0, t1, d) ~ x + strata(s) + cluster(id) + offset(o)").unwrap();
        assert_eq!(f.term_labels(), ["x"]);
        assert_eq!(f.columns(), ["t0", "t1", "d", "x", "s", "id", "o"]);
        assert!(matches!(f.response(), Some(ResponseSpec::Counting { .. })));
    }

    #[test]
    fn strata_calls_group_their_columns() {
        let f = Formula::parse("Surv(t, d) ~ x + strata(a, b) + strata(c)").unwrap();
        assert_eq!(f.term_labels(), ["x"]);
        let names = |g: &[usize]| -> Vec<String> {
            g.iter().map(|&v| f.variables()[v].column.clone()).collect()
        };
        let groups: Vec<Vec<String>> = f.strata_groups().iter().map(|g| names(g)).collect();
        assert_eq!(groups, [vec!["a", "b"], vec!["c"]]);
        assert_eq!(f.columns(), ["t", "d", "x", "a", "b", "c"]);
        match Formula::parse("y ~ factor(a, b)") {
            Err(Error::FormulaSyntax {
                position, token, ..
            }) => assert_eq!((position, token.as_str()), (13, ",")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_point_at_the_token() {
        let cases = [
            ("y ~ age + + sex", 11, "+"),
            ("y ~ log(age)", 5, "log"),
            ("y ~ (age + sex", 15, "end of formula"),
            ("y age", 3, "age"),
            ("y ~ age + 2", 11, "2"),
            ("y ~ age $ sex", 9, "$"),
            ("Surv(t) ~ x", 1, "Surv"),
            ("y ~ strata(s):x", 5, "strata(s)"),
        ];
        for (text, position, token) in cases {
            match Formula::parse(text) {
                Err(Error::FormulaSyntax {
                    position: p,
                    token: t,
                    ..
                }) => assert_eq!((p, t.as_str()), (position, token), "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn nesting_and_expansion_are_bounded() {
        // at the bound: parses, same terms as without the parentheses
        let deep = format!(
            "y ~ {}a + b{}",
            "(".repeat(MAX_FORMULA_DEPTH),
            ")".repeat(MAX_FORMULA_DEPTH)
        );
        assert_eq!(labels(&deep), ["a", "b"]);
        // one deeper, and far deeper (50,000: a recursive parser without a bound overflows
        // its stack): an error at the first parenthesis beyond the bound
        for n in [MAX_FORMULA_DEPTH + 1, 50_000] {
            let text = format!("y ~ {}a{}", "(".repeat(n), ")".repeat(n));
            match Formula::parse(&text) {
                Err(Error::FormulaSyntax {
                    position,
                    token,
                    reason,
                }) => {
                    assert_eq!((position, token.as_str()), (5 + MAX_FORMULA_DEPTH, "("));
                    assert!(reason.contains("nested more than 200"), "{reason}");
                }
                other => panic!("{other:?}"),
            }
        }
        // 2^14 = 16,384 terms from 14 factors: refused at the `*` that crosses 10,000
        let names: Vec<String> = (0..14).map(|k| format!("x{k}")).collect();
        let text = format!("y ~ {}", names.join("*"));
        match Formula::parse(&text) {
            Err(Error::FormulaSyntax { token, reason, .. }) => {
                assert_eq!(token, "*");
                assert!(reason.contains("more than 10000 terms"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        // 13 factors (8,191 terms) still parse
        let text = format!("y ~ {}", names[..13].join("*"));
        assert_eq!(Formula::parse(&text).unwrap().terms().len(), 8191);
        // a very long name is shown cut in the error
        let long = "z".repeat(100_000);
        match Formula::parse(&format!("y ~ a + + {long}")) {
            Err(Error::FormulaSyntax { token, .. }) => assert_eq!(token, "+"),
            other => panic!("{other:?}"),
        }
        match Formula::parse(&format!("y ~ {long}(a)")) {
            Err(Error::FormulaSyntax { token, .. }) => {
                assert!(token.len() < 100, "{}", token.len());
                assert!(token.ends_with("(100000 characters)"), "{token}");
            }
            other => panic!("{other:?}"),
        }
    }
}
