// scaffold: replaced by the package's API
export {}
