// GovCheck page behaviour. Loaded from our own origin; the CSP forbids inline scripts.
"use strict";
