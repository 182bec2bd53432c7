/// The 32 symbols of a card id and its check symbol.
///
/// **Alphabet.** Crockford's base 32: digits and uppercase letters without `I`, `L`, `O` and `U`, which are
/// misread as 1, 1, 0 and V (and keep words out of ids). Digits and A–Z are all a QR code needs for its
/// alphanumeric mode, the densest one for this text, and all a keyboard-emulating scanner types the same way
/// on every layout except for the few keys that move.
///
/// **Check symbol.** One more symbol of the same alphabet, chosen so that the 25 symbol values `v₀ … v₂₄`,
/// read as elements of GF(32) = GF(2)[x]/(x⁵ + x² + 1), satisfy Σ xⁿ⁻ⁱ·vᵢ = 0 (n = 24). Computed by Horner's
/// rule: `state = x·state + v` over the 24 data symbols, then `check = x·state`. This is the Damm scheme
/// (H. M. Damm, "Totally anti-symmetric quasigroups for all orders n ≠ 2, 6", Discrete Mathematics 307, 2007)
/// with the quasigroup a ∗ b = x·a + b of GF(32). Because x is primitive (order 31):
/// - a substitution of one symbol by another (error e ≠ 0 at weight xᵏ) changes the sum by xᵏ·e ≠ 0;
/// - a transposition of two different symbols a, b at distance d < 31 changes it by xᵏ·(xᵈ + 1)·(a + b) ≠ 0,
///   so every adjacent transposition, and every swap of any two symbols of the 25, is caught.
/// ISO 7064 MOD 37-2 and Crockford's mod-37 check symbol would need a 37th symbol (`*`, `~`, `$`, `=` or `U`)
/// outside digits and A–Z; a check over GF(32) needs none and stays within the id's own alphabet.
enum CardAlphabet {
    static let symbols: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The value 0–31 of a symbol; `nil` for anything else, lowercase letters included: a scanner types
    /// exactly what the QR code holds, so a lowercase letter is a keyboard problem to report, not to fix.
    static func value(of character: Character) -> UInt8? {
        guard let index = symbols.firstIndex(of: character) else { return nil }
        return UInt8(index)
    }

    /// Multiplication by x in GF(32), reducing by x⁵ + x² + 1 (binary 100101).
    static func timesX(_ element: UInt8) -> UInt8 {
        let shifted = element << 1
        return shifted & 0b10_0000 != 0 ? shifted ^ 0b10_0101 : shifted
    }

    /// The check value of the data symbols.
    static func checkValue(of values: some Sequence<UInt8>) -> UInt8 {
        timesX(fold(values))
    }

    /// Horner's rule over GF(32); zero over data plus check symbol exactly when the check matches.
    static func fold(_ values: some Sequence<UInt8>) -> UInt8 {
        values.reduce(0) { timesX($0) ^ $1 }
    }
}
