//! NumPy-style text formatting of arrays (placeholder until written).
