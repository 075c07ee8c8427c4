//! xtask end to end, on copies of the workspace in temporary directories, so
//! the checked-in files are never touched: `generate` (and its refusal of
//! defective specs), `spec-diff` and `upstream`.

mod defects;
mod generate;
mod spec_diff;
mod support;
mod upstream;
