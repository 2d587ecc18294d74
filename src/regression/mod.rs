//! Logistic regression: maximum likelihood as R's `glm` (with `MASS` profile intervals) and
//! Firth-penalized as R's `logistf`.
