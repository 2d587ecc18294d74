# R's number and p-value formatting, the spec of src/survival/rformat.rs (format_signif,
# format_column, format_pval) and src/table.rs (format_p below 1e-4).
# Run from tests/data:  Rscript R/format_goldens.R   (writes format_goldens.json)
source("R/json_writer.R")
x <- c(0, 1, -1, 0.5, 22, 130.3, 10.3, 0.00131116452035549, 0.0653393220405051,
       0.000362898927598911, 1.5e-5, 1.23456e-5, 1e-4, 1e-300, 2.0407e-302, 1e300,
       1.5043e200, -1.5043e200, 123456789, 1234567, 1e15, 1e5, 123456.7, 0.1 + 0.2, 2 / 3,
       1e-15, 5e-324, 1.7976931348623157e308, -0.000123, 99.96, 0.99995, 9.9996e-5)
values <- lapply(c(1, 3, 4, 7), function(d) lapply(x, function(v)
  list(x = v, digits = d, r = format(v, digits = d))))
p <- c(0.0455, 0.5, 0.12345, 0.001111, 0.00036, 1e-4, 9.9996e-5, 1.5e-5, 1.23456e-5,
       5e-10, 2.3e-16, 2.2e-16, 1e-20, 0, 1.0e-300)
pvals <- lapply(c(1, 3, 4), function(d) lapply(p, function(v)
  list(p = v, digits = d, r = format.pval(v, digits = d))))
cols <- list(c(91.5817390295728, 73.4182609704272), c(112, 53), c(4.83, 6.07),
             c(1e300, 2.5), c(1e-20, 0.5), c(1e16, 1), c(0.000123, 12.5, -3),
             c(1e5, 2e5), c(123456, 0.5), c(-1.5e-302, 2.5e-300, 1))
columns <- lapply(cols, function(v) list(values = I(v), digits = 3,
                                          r = I(trimws(format(v, digits = 3)))))
writeLines(js(list(values = do.call(c, values), pvals = do.call(c, pvals),
                   columns = columns)), "format_goldens.json")
