import Testing
@testable import SpuntaMarkup

@Suite("The one markup escaper and the HTML fragments built on it")
struct MarkupTests {
    @Test("markup characters become character references", arguments: [
        ("<script>", "&lt;script&gt;"),
        ("Rossi & \"figli\"", "Rossi &amp; &quot;figli&quot;"),
        ("l'ufficio", "l&#39;ufficio"),
        ("già à è", "già à è"),
        ("a\u{0}b\u{1B}[31mc", "ab[31mc"),
        ("riga 1\nriga 2\tfine\r", "riga 1&#10;riga 2&#9;fine&#13;"),
    ])
    func escapes(input: String, expected: String) {
        #expect(Markup.escape(input) == expected)
    }

    @Test("inside double quotes only, an apostrophe may stay as written; everything else is escaped the same")
    func apostrophes() {
        #expect(Markup.escape("D'Angelo <&> \"x\"\n", apostrophes: false) == "D'Angelo &lt;&amp;&gt; &quot;x&quot;&#10;")
    }

    @Test("text interpolated into HTML is escaped, HTML interpolated is kept, literals are ours")
    func interpolation() {
        let name = "<b>Rossi</b>"
        let inner: HTML = "<em>\(name)</em>"
        let outer: HTML = "<td title=\"\(name)\">\(inner) \(3)</td>"
        #expect(outer.text == "<td title=\"&lt;b&gt;Rossi&lt;/b&gt;\"><em>&lt;b&gt;Rossi&lt;/b&gt;</em> 3</td>")
        #expect(([inner, inner] as [HTML]).joined(separator: "<br>").text == "<em>&lt;b&gt;Rossi&lt;/b&gt;</em><br><em>&lt;b&gt;Rossi&lt;/b&gt;</em>")
    }
}
