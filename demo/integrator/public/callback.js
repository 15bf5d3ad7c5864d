// The callback page of both round trips (/callback for the connect code, /share-callback for the consent token):
// the kit's tiny relay hands the result to the page that opened the popup, cleans the address bar and closes.
import { handleCallback } from '/kit/callback.js';

handleCallback();
