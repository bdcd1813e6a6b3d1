use std::future::Future;

// ANCHOR: greeting
fn greeting(name: &str) -> impl Future<Output = String> {
    // This line runs now, when `greeting` is called...
    let name = name.trim().to_string();

    // ...and this block runs later, when the future is awaited.
    // `move` makes the future own `name` instead of borrowing it.
    async move { format!("Hello, {name}!") }
}
// ANCHOR_END: greeting

#[tokio::main]
async fn main() {
    println!("{}", greeting("  Ferris ").await);
}

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn greets_by_name() {
        assert_eq!(greeting("Ferris").await, "Hello, Ferris!");
    }

    #[tokio::test]
    async fn trims_spaces_around_the_name() {
        assert_eq!(greeting("  Ferris\n").await, "Hello, Ferris!");
    }

    // The same kind of test without the attribute's help: a plain #[test]
    // that builds a runtime and blocks on the future itself.
    #[test]
    fn greets_by_name_without_the_macro() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let text = runtime.block_on(greeting("Ferris"));
        assert_eq!(text, "Hello, Ferris!");
    }
}
// ANCHOR_END: tests
