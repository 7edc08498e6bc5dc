//! Integration tests: the real binary on fixtures and generated input. One test binary, with
//! small helpers in `util`.

mod bad_input;
mod charsets;
mod containers;
mod corpora;
mod eval;
mod index;
mod malformed;
mod matrix;
mod patterns;
mod props;
mod scale;
mod scripting;
mod seeds;
mod stories;
mod templates;
mod util;
