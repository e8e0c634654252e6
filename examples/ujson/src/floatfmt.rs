//! Floats as ujson writes them: the shortest digits that read back as the same `f64` (from the
//! `zmij` crate), laid out as ujson's double-conversion settings lay them out.
//!
//! ujson asks double-conversion for `ToShortest` with decimal notation for a decimal exponent in
//! [-4, 16), exponential notation otherwise, a trailing `.0` on integral values, a `+` on positive
//! exponents and no zero padding of the exponent: `1.0`, `0.0001`, `1e-5`, `1e+16`,
//! `1000000000000000.0`, `-0.0`. (Python's `repr` has the same thresholds but pads the exponent to
//! two digits: `1e-05`.) `zmij` gives the same digits; its own layout differs (`0.00001`), so its
//! output is taken apart into digits and exponent and laid out again here.

/// Appends the JSON text of the finite `v` to `out`.
pub fn write_finite(out: &mut Vec<u8>, v: f64) {
    let mut buf = zmij::Buffer::new();
    let mut digits = [0u8; MAX_DIGITS];
    let (neg, len, point) = decompose(buf.format_finite(v).as_bytes(), &mut digits);
    if neg {
        out.push(b'-');
    }
    layout(out, &digits[..len], point);
}

/// The sign, the significant digits (no leading or trailing zeros; empty for zero) and the position
/// of the decimal point (`value = 0.d1d2… × 10^point`) of a float printed as `-?\d+(\.\d+)?(e[+-]?\d+)?`.
/// More than the 17 significant digits of an `f64`'s shortest round trip (they go on the stack: a
/// `Vec` per float cost a quarter of `dumps` of a list of floats).
const MAX_DIGITS: usize = 24;

fn decompose(text: &[u8], out: &mut [u8; MAX_DIGITS]) -> (bool, usize, i32) {
    let (neg, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mantissa, exp) = match text.iter().position(|&c| c == b'e' || c == b'E') {
        Some(i) => (&text[..i], parse_exp(&text[i + 1..])),
        None => (text, 0),
    };
    let int_len = mantissa
        .iter()
        .position(|&c| c == b'.')
        .unwrap_or(mantissa.len());
    // The digits from the first nonzero one to the last nonzero one: at most 17, the shortest
    // round trip zmij prints (zeros are written only when a nonzero digit follows them).
    let (mut leading, mut len, mut zeros) = (0usize, 0, 0);
    for c in mantissa.iter().copied().filter(|&c| c != b'.') {
        if c == b'0' {
            if len == 0 {
                leading += 1;
            } else {
                zeros += 1;
            }
            continue;
        }
        for _ in 0..zeros {
            out[len] = b'0';
            len += 1;
        }
        zeros = 0;
        out[len] = c;
        len += 1;
    }
    (neg, len, int_len as i32 - leading as i32 + exp)
}

fn parse_exp(text: &[u8]) -> i32 {
    let (neg, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let n = digits.iter().fold(0i32, |n, &c| {
        n.saturating_mul(10).saturating_add(i32::from(c - b'0'))
    });
    if neg {
        -n
    } else {
        n
    }
}

/// double-conversion's `ToShortest` layout of `0.digits × 10^point` (flags: trailing decimal point
/// and zero after it, `+` on positive exponents; decimal notation for exponents in [-4, 16)).
fn layout(out: &mut Vec<u8>, digits: &[u8], point: i32) {
    if digits.is_empty() {
        out.extend_from_slice(b"0.0");
        return;
    }
    let exponent = point - 1;
    if (-4..16).contains(&exponent) {
        let len = digits.len() as i32;
        if point <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (-point) as usize));
            out.extend_from_slice(digits);
        } else if point >= len {
            out.extend_from_slice(digits);
            out.extend(std::iter::repeat_n(b'0', (point - len) as usize));
            out.extend_from_slice(b".0");
        } else {
            out.extend_from_slice(&digits[..point as usize]);
            out.push(b'.');
            out.extend_from_slice(&digits[point as usize..]);
        }
    } else {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if exponent < 0 { b'-' } else { b'+' });
        out.extend_from_slice(
            itoa::Buffer::new()
                .format(exponent.unsigned_abs())
                .as_bytes(),
        );
    }
}

#[cfg(test)]
mod tests {
    fn fmt(v: f64) -> String {
        let mut out = Vec::new();
        super::write_finite(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn layouts() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (1e-4, "0.0001"),
            (1.5e-4, "0.00015"),
            (1e-5, "1e-5"),
            (1.5e-5, "1.5e-5"),
            (1e-10, "1e-10"),
            (1e15, "1000000000000000.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e30, "1e+30"),
            (-1e30, "-1e+30"),
            (31337.31337, "31337.31337"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (f64::EPSILON, "2.220446049250313e-16"),
            (123.456, "123.456"),
            (100.0, "100.0"),
            (-12_345_678_901_234.568, "-12345678901234.568"),
            (std::f64::consts::PI, "3.141592653589793"),
        ];
        for &(v, want) in cases {
            assert_eq!(fmt(v), want, "{v:e}");
        }
    }

    #[test]
    fn round_trips() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            if v.is_finite() {
                assert_eq!(
                    fmt(v).parse::<f64>().unwrap().to_bits(),
                    v.to_bits(),
                    "{v:e}"
                );
            }
        }
    }
}
