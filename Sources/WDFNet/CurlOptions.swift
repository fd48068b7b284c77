import CCurl

/// Sets the options of one libcurl easy handle, each checked: an option libcurl refuses (an
/// unknown one in an old libcurl, a URL past its 8 MB input limit, no memory) ends the
/// transfer with one sentence naming the option, instead of a transfer that runs without it.
struct CurlOptions {
    let handle: UnsafeMutableRawPointer

    func set(_ option: CURLoption, _ name: String, _ value: Int) throws(TransferError) {
        try check(wdf_curl_set_long(handle, option, value), name)
    }

    func set(_ option: CURLoption, _ name: String, _ value: String) throws(TransferError) {
        try check(wdf_curl_set_string(handle, option, value), name)
    }

    func set(_ option: CURLoption, _ name: String, pointer: UnsafeMutableRawPointer?) throws(TransferError) {
        try check(wdf_curl_set_pointer(handle, option, pointer), name)
    }

    func set(_ option: CURLoption, _ name: String, offset: curl_off_t) throws(TransferError) {
        try check(wdf_curl_set_off(handle, option, offset), name)
    }

    /// `code` as returned for the option `name`: nothing when CURLE_OK, else the error.
    func check(_ code: CURLcode, _ name: String) throws(TransferError) {
        guard code != CURLE_OK else { return }
        throw TransferError("libcurl refused the option \(name): \(String(cString: curl_easy_strerror(code))).",
                            isPermanent: true)
    }
}
