import Glibc

/// A fresh directory under /tmp for one test (`/tmp/wdf-NAME-XXXXXX`).
func temporaryDirectory(_ name: String) -> String {
    var template = Array("/tmp/wdf-\(name)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}
