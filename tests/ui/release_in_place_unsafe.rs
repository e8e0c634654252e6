// Working in place with the interpreter released relies on a promise about other threads.
const RELEASE: oxhpy::buffer::Release = oxhpy::buffer::Release::above_in_place(0);

fn main() {
    let _ = RELEASE;
}
