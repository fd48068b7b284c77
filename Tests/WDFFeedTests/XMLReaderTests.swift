import Testing
import WDFFeed

@Suite("WDFFeedTests: XML reader")
struct XMLReaderTests {
    @Test func namespacesAreScoped() throws {
        let text = """
        <a:root xmlns:a="urn:A" xmlns="urn:default">
          <plain/>
          <a:x xmlns:a="urn:B" a:attr='1' attr="2"><a:inner/></a:x>
          <a:y/>
          <z xmlns=""/>
        </a:root>
        """
        let root = try XMLReader.parse(Array(text.utf8)).root
        #expect(root.name == XMLReader.Name(namespace: "urn:A", local: "root"))
        #expect(root.children.map(\.name) == [
            XMLReader.Name(namespace: "urn:default", local: "plain"),
            XMLReader.Name(namespace: "urn:B", local: "x"),
            XMLReader.Name(namespace: "urn:A", local: "y"),
            XMLReader.Name(namespace: "", local: "z"),
        ])
        let x = root.children[1]
        #expect(x.children[0].name.namespace == "urn:B")
        #expect(x.attribute("attr", namespace: "urn:B") == "1")
        #expect(x.attribute("attr") == "2")
        #expect(x.attributes.count == 2)
    }

    @Test func textCDATAEntitiesCommentsAndInstructions() throws {
        let text = "<r>a&lt;b&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;&nbsp;&eacute;&unknown; AT&T<!-- c --><?pi x?><![CDATA[<raw>&amp;]]>&#0;&#150;</r>"
        let root = try XMLReader.parse(Array(text.utf8)).root
        #expect(root.text == "a<b>&\"'AB😀\u{A0}é&unknown; AT&T<raw>&amp;\u{FFFD}–")
    }

    @Test func attributeValuesNormaliseBlanks() throws {
        let root = try XMLReader.parse(Array("<r v=\"a\tb\nc &amp; d\" w='say \"hi\"'/>".utf8)).root
        #expect(root.attribute("v") == "a b c & d")
        #expect(root.attribute("w") == "say \"hi\"")
    }

    @Test func sourceOfMixedContent() throws {
        let document = try XMLReader.parse(Array("<r><d>x <b>y</b> &amp; z</d></r>".utf8))
        let d = document.root.children[0]
        #expect(d.text == "x  & z")
        #expect(document.source(of: d) == "x <b>y</b> &amp; z")
    }

    @Test func errorsNameLineAndColumn() {
        do {
            _ = try XMLReader.parse(Array("<r>\n  <a>\n  </b>\n</r>".utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 3)
            #expect(error.description == "line 3, column 3: </b> closes <a>")
            #expect(error.rootName == "r")
        }
    }
}
