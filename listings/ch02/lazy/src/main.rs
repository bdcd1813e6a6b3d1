// ANCHOR: all
use futures::executor::block_on;

async fn say(word: &str) {
    println!("    {word}");
}

fn main() {
    println!("1. Calling say(\"hello\") and say(\"world\"):");
    let hello = say("hello");
    let world = say("world");

    println!("2. Both futures exist. Running `world` first:");
    block_on(world);

    println!("3. Now `hello`:");
    block_on(hello);

    println!("4. Making a third future and dropping it unrun:");
    let never = say("you will not see this");
    drop(never);

    println!("5. The end.");
}
// ANCHOR_END: all
