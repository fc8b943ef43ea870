import { makeMemoryStorage } from "@workflow-manager/core"
import { suite } from "@workflow-manager/core/testing"

const storage = makeMemoryStorage()
suite("memory adapter", storage.layer, storage.inspect)
