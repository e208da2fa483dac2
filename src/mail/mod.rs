//! Outgoing email: the messages Accord sends ([`message`]) and the transports that carry them
//! ([`transport`]: SMTP with lettre, or `.eml` files under the data directory by default, so a
//! fresh `accord serve` needs no mail server). Knows nothing of reports or schedules.

pub mod message;
pub mod transport;

pub use message::{Attachment, Email};
pub use transport::{Mailer, Outcome};
