public let wdfplayVersion = "0.1.0"
