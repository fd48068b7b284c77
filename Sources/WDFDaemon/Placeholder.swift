import WDFCore
