/// The Reed–Solomon code of one error-correction block (ISO/IEC 18004 §7.5.2): the error-correction codewords
/// are the remainder of the data polynomial times xⁿ divided by the generator polynomial (x − α⁰)(x − α¹)…(x − αⁿ⁻¹).
struct ReedSolomon: Sendable {
    /// The generator's coefficients from xⁿ down to x⁰; the first is always 1.
    let generator: [UInt8]

    var degree: Int { generator.count - 1 }

    /// - Precondition: 1 ≤ `degree` ≤ 68 (a block never has more than 30 error-correction codewords).
    init(degree: Int) {
        precondition((1...68).contains(degree), "an error-correction block has between 1 and 68 codewords")
        var polynomial: [UInt8] = [1]
        for power in 0..<degree {
            // Multiply by (x + αᵖᵒʷᵉʳ): subtraction and addition are the same in GF(2⁸).
            var next = [UInt8](repeating: 0, count: polynomial.count + 1)
            let root = GaloisField256.alpha(power)
            for (index, coefficient) in polynomial.enumerated() {
                next[index] ^= coefficient
                next[index + 1] ^= GaloisField256.multiply(coefficient, root)
            }
            polynomial = next
        }
        generator = polynomial
    }

    /// The error-correction codewords of `data`, highest degree first.
    func remainder(of data: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: degree)
        for codeword in data {
            let factor = codeword ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in 0..<degree {
                remainder[index] ^= GaloisField256.multiply(generator[index + 1], factor)
            }
        }
        return remainder
    }
}
