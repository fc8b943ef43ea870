import { dueWorkSuite } from "../../src/testing.js"
import { dueClaimsTwice } from "./adapters.js"

const broken = dueClaimsTwice()
dueWorkSuite("dueClaimsTwice", broken.layer, broken.inspect)
