import { outboxSuite, suite } from "../../src/testing.js"
import { claimsTwice } from "./adapters.js"

const broken = claimsTwice()
suite("claimsTwice", broken.layer, broken.inspect)
outboxSuite("claimsTwice", broken.layer, broken.inspect)
