//! Shared Hyperswitch-family pieces (in progress).
