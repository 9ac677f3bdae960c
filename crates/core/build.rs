// The migrations are embedded by `sqlx::migrate!`: a new or changed file under
// migrations/ must rebuild the crate (the macro alone is not told about the folder).
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
