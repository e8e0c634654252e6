// A base that is neither a built-in exception nor a declared one in scope.
use oxhpy::CustomException;

#[oxhpy::exception(base = ValueErorr)]
static MISSPELT: CustomException;

fn main() {}
