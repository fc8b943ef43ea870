import { makeMemoryStorage } from "../../src/index.js"
import { suite } from "../../src/testing.js"

const storage = makeMemoryStorage()
suite("memory adapter", storage.layer, storage.inspect)
