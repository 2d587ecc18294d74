# The JSON writer of the goldens' R scripts (sourced from tests/data).
# a minimal JSON writer: named list -> object, unnamed list -> array,
# vectors of length 1 -> scalar unless wrapped in I(); NA / non-finite -> null
js <- function(x) {
  if (is.list(x) && !inherits(x, "AsIs")) {
    if (!is.null(names(x))) {
      return(paste0("{", paste0('"', names(x), '": ', vapply(x, js, ""), collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(x, js, ""), collapse = ", "), "]"))
  }
  arr <- inherits(x, "AsIs") || length(x) != 1
  x <- unclass(x)
  s <- if (is.character(x)) paste0('"', x, '"') else if (is.logical(x)) {
    ifelse(is.na(x), "null", ifelse(x, "true", "false"))
  } else ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
  if (arr) paste0("[", paste(s, collapse = ", "), "]") else s
}
