import CCurl
import Glibc
import WDFCore

/// Why a transfer failed, as one sentence naming the URL.
public struct TransferError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The HTTP status when the server answered with an error.
    public var status: Int?
    /// True when the connection broke off mid-body (worth resuming).
    public var wasCut: Bool

    public init(_ message: String, status: Int? = nil, wasCut: Bool = false) {
        self.message = message
        self.status = status
        self.wasCut = wasCut
    }

    public var description: String { message }
}

/// What a finished transfer tells about the response.
public struct TransferResult: Sendable {
    /// The HTTP status of the final response (0 for file:// URLs).
    public var status: Int
    /// The URL after redirects.
    public var finalURL: String
    public var contentType: String?
    /// The whole resource's size when the server said it (Content-Length, or the total of a
    /// Content-Range).
    public var totalLength: Int?
    /// Whether the server honoured the range asked for (206).
    public var resumed: Bool
    /// Body bytes received in this transfer.
    public var received: Int
}

/// How far a download is: bytes of the whole file so far, its total if known, and the time taken.
public struct TransferProgress: Sendable {
    public var bytes: Int
    public var total: Int?
    public var startedAt: Int
    public var elapsed: Double
    /// Bytes per second over this transfer (not counting what a resumed download already had).
    public var rate: Double
}

/// HTTP(S) and file:// transfers through libcurl: redirects followed (http and https only),
/// gzip accepted, a stalled connection given up after 30 s without a byte.
public enum HTTP {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    public static let userAgent = "wdfplay/\(wdfplayVersion) (podcast player; +https://github.com/wdfplay)"

    /// Fetches `url` into memory (a feed, a chapters file). Refuses more than `limit` bytes.
    public static func fetch(_ url: String, limit: Int = 64 << 20) throws(TransferError) -> ([UInt8], TransferResult) {
        let sink = BodySink(mode: .memory(limit: limit))
        let result = try perform(url, sink: sink, resumeFrom: 0, progress: nil)
        guard (200..<300).contains(result.status) || result.status == 0 else {
            throw TransferError("\(url) answered HTTP \(result.status)\(reason(result.status)).", status: result.status)
        }
        return (sink.memory, result)
    }

    /// Downloads `url` into the open file `fd`, appending from `offset` (the bytes already there)
    /// when the server honours a range; otherwise the file is truncated and written from the start.
    public static func download(_ url: String, into fd: Int32, offset: Int,
                                progress: ((TransferProgress) -> Void)?) throws(TransferError) -> TransferResult {
        let sink = BodySink(mode: .file(fd: fd, offset: offset))
        let result = try perform(url, sink: sink, resumeFrom: offset, progress: progress)
        guard (200..<300).contains(result.status) || result.status == 0 else {
            throw TransferError("\(url) answered HTTP \(result.status)\(reason(result.status)).", status: result.status)
        }
        return result
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: " (Bad Request)"
        case 401: " (Unauthorized)"
        case 403: " (Forbidden)"
        case 404: " (Not Found)"
        case 410: " (Gone)"
        case 416: " (Range Not Satisfiable)"
        case 429: " (Too Many Requests)"
        case 500: " (Internal Server Error)"
        case 502: " (Bad Gateway)"
        case 503: " (Service Unavailable)"
        case 504: " (Gateway Timeout)"
        default: ""
        }
    }

    /// `$SSL_CERT_FILE`, as OpenSSL's own tools read it: the certificates to trust instead of the
    /// system's (a private CA, a test server). Certificates are always verified.
    static var certificateFile: String? {
        guard let value = getenv("SSL_CERT_FILE") else { return nil }
        let path = String(cString: value)
        return path.isEmpty ? nil : path
    }

    private static func perform(_ url: String, sink: BodySink, resumeFrom offset: Int,
                                progress: ((TransferProgress) -> Void)?) throws(TransferError) -> TransferResult {
        guard initialized, let handle = curl_easy_init() else { throw TransferError("Cannot start libcurl.") }
        defer { curl_easy_cleanup(handle) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        sink.progress = progress
        sink.resumeOffset = offset
        let box = Unmanaged.passUnretained(sink).toOpaque()
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            _ = wdf_curl_set_string(handle, CURLOPT_URL, url)
            _ = wdf_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
            _ = wdf_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
            _ = wdf_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 1)
            _ = wdf_curl_set_long(handle, CURLOPT_MAXREDIRS, 10)
            _ = wdf_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https,file")
            // A redirect may not lead to a local file.
            _ = wdf_curl_set_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            _ = wdf_curl_set_string(handle, CURLOPT_USERAGENT, userAgent)
            _ = wdf_curl_set_string(handle, CURLOPT_ACCEPT_ENCODING, "")
            _ = wdf_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, 20)
            _ = wdf_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
            _ = wdf_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, 30)
            if let certificates = certificateFile { _ = wdf_curl_set_string(handle, CURLOPT_CAINFO, certificates) }
            if offset > 0 { _ = wdf_curl_set_off(handle, CURLOPT_RESUME_FROM_LARGE, curl_off_t(offset)) }
            _ = wdf_curl_set_write(handle) { data, size, count, user in
                guard let data, let user else { return 0 }
                return Unmanaged<BodySink>.fromOpaque(user).takeUnretainedValue().body(data, size * count)
            }
            _ = wdf_curl_set_pointer(handle, CURLOPT_WRITEDATA, box)
            _ = wdf_curl_set_header(handle) { data, size, count, user in
                guard let data, let user else { return 0 }
                return Unmanaged<BodySink>.fromOpaque(user).takeUnretainedValue().header(data, size * count)
            }
            _ = wdf_curl_set_pointer(handle, CURLOPT_HEADERDATA, box)
            if progress != nil {
                _ = wdf_curl_set_long(handle, CURLOPT_NOPROGRESS, 0)
                _ = wdf_curl_set_progress(handle) { user, _, _, _, _ in
                    guard let user else { return 0 }
                    Unmanaged<BodySink>.fromOpaque(user).takeUnretainedValue().tick()
                    return 0
                }
                _ = wdf_curl_set_pointer(handle, CURLOPT_XFERINFODATA, box)
            }
            return curl_easy_perform(handle)
        }
        var status = 0
        var longValue = 0
        if wdf_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &longValue) == CURLE_OK { status = longValue }
        var effective: UnsafeMutablePointer<CChar>?
        let finalURL = wdf_curl_get_string(handle, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective != nil
            ? String(cString: effective!) : url
        if let failure = sink.failure { throw failure }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            let cut = [CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING,
                       CURLE_SEND_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM].contains(code) && sink.received > 0
            let reached = sink.received > 0 ? " after \(Bytes.text(sink.resumeOffset + sink.received))" : ""
            throw TransferError("Fetching \(url) failed\(reached): \(text.trimmingWhitespace()).", status: status == 0 ? nil : status,
                                wasCut: cut)
        }
        let total: Int?
        if status == 206, let range = sink.contentRangeTotal {
            total = range
        } else if let length = sink.contentLength {
            total = status == 206 ? offset + length : length
        } else {
            total = nil
        }
        return TransferResult(status: status, finalURL: finalURL, contentType: sink.contentType, totalLength: total,
                              resumed: status == 206, received: sink.received)
    }
}

/// Where libcurl's callbacks put the body and what they learn from the headers. Used on the
/// thread that runs `curl_easy_perform` only.
final class BodySink {
    enum Mode {
        case memory(limit: Int)
        case file(fd: Int32, offset: Int)
    }

    let mode: Mode
    var memory: [UInt8] = []
    var received = 0
    var failure: TransferError?
    var status = 0
    var contentLength: Int?
    var contentRangeTotal: Int?
    var contentRangeStart: Int?
    var contentType: String?
    var progress: ((TransferProgress) -> Void)?
    var resumeOffset = 0
    /// Set at the first body byte: where in the file writing starts.
    private var writeStart: Int?
    private let started = BodySink.now()
    private var lastTick = 0.0

    init(mode: Mode) {
        self.mode = mode
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func header(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
            .trimmingWhitespace()
        if line.hasPrefix("HTTP/") {
            // A new response (after a redirect or a 100 Continue): forget the previous one's headers.
            status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            contentLength = nil
            contentRangeTotal = nil
            contentRangeStart = nil
            contentType = nil
            return count
        }
        guard let colon = line.firstIndex(of: ":") else { return count }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        switch name {
        case "content-length": contentLength = Int(value)
        case "content-type": contentType = value
        case "content-range":
            // "bytes 100-999/1000"
            let parts = value.split(separator: " ").last?.split(separator: "/") ?? []
            if parts.count == 2 {
                contentRangeTotal = Int(parts[1])
                contentRangeStart = parts[0].split(separator: "-").first.flatMap { Int($0) }
            }
        default: break
        }
        return count
    }

    func body(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        switch mode {
        case let .memory(limit):
            guard memory.count + count <= limit else {
                failure = TransferError("The response is larger than \(Bytes.text(limit)); refusing it.")
                return 0
            }
            memory.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        case let .file(fd, offset):
            if status >= 300 {
                // An error page is not the episode: keep a little of it, write none of it.
                if memory.count < 512 { memory.append(contentsOf: UnsafeRawBufferPointer(start: data, count: min(count, 512))) }
                received += count
                return count
            }
            if writeStart == nil {
                // 206 for the range asked: append. Anything else (200: the server ignored the
                // range) starts the file over.
                let start = status == 206 && contentRangeStart == offset ? offset : 0
                if start == 0, ftruncate(fd, 0) != 0 {
                    failure = TransferError("Cannot truncate the partial download: \(String(cString: strerror(errno))).")
                    return 0
                }
                lseek(fd, off_t(start), SEEK_SET)
                writeStart = start
                resumeOffset = start
            }
            var done = 0
            while done < count {
                let n = write(fd, data + done, count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = TransferError("Cannot write the download: \(String(cString: strerror(errno))).")
                    return 0
                }
                done += n
            }
        }
        received += count
        return count
    }

    func tick() {
        let now = BodySink.now()
        guard now - lastTick >= 0.2 || lastTick == 0 else { return }
        lastTick = now
        let elapsed = now - started
        let total: Int? = status == 206 ? contentRangeTotal : contentLength.map { (writeStart ?? 0) + $0 }
        progress?(TransferProgress(bytes: (writeStart ?? resumeOffset) + received, total: total, startedAt: 0,
                                   elapsed: elapsed, rate: elapsed > 0 ? Double(received) / elapsed : 0))
    }
}

/// Byte counts for people: "30.1 MB".
public enum Bytes {
    public static func text(_ bytes: Int) -> String {
        let value = Double(bytes)
        if bytes < 1000 { return "\(bytes) B" }
        if value < 1e6 { return one(value / 1e3) + " kB" }
        if value < 1e9 { return one(value / 1e6) + " MB" }
        return one(value / 1e9) + " GB"
    }

    static func one(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
