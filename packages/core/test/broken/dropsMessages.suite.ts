import { outboxSuite, suite } from "../../src/testing.js"
import { dropsMessages } from "./adapters.js"

const broken = dropsMessages()
suite("dropsMessages", broken.layer, broken.inspect)
outboxSuite("dropsMessages", broken.layer, broken.inspect)
