import WDFCore

/// One line the daemon sends: the reply to a request, or an event.
public enum Message: Sendable, Equatable {
    /// `{"id":…,"ok":true,"data":…}` or `{"id":…,"ok":false,"error":{…}}`.
    case reply(id: JSON, Result<JSON, WireError>)
    /// `{"event":NAME,"data":…}` (never an `id`).
    case event(Event)

    /// The writer.
    public var json: JSON {
        switch self {
        case let .reply(id, .success(data)): return ["id": id, "ok": true, "data": data]
        case let .reply(id, .failure(error)): return ["id": id, "ok": false, "error": error.json]
        case let .event(event): return event.json
        }
    }

    /// The reader (clients): an event, else a reply whose `ok` says which half it has.
    public init(json: JSON) throws(WireError) {
        let fields = try ObjectReader(json, "message")
        if fields.has("event") {
            self = .event(try Event(json: json))
            return
        }
        let id = json["id"] ?? .null
        if try fields.bool("ok") {
            self = .reply(id: id, .success(json["data"] ?? .null))
        } else {
            guard let error = WireError(json: json["error"]) else {
                throw WireError("bad_reply", "The daemon sent a reply without an error: \(json.serialized)")
            }
            self = .reply(id: id, .failure(error))
        }
    }
}
