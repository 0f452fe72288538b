//! Pieces the back office's screens share.

mod fields;
mod header;
mod marks;

pub use fields::{Checkbox, Radios, SelectField, TextArea, TextField};
pub use header::{role_label, StaffHeader};
pub use marks::{deadline_tags, desk_table, loaded, shown_once, Loading, Notice};
