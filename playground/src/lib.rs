//! The book's local playground (work in progress).
