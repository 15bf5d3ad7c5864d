/** Browsers come from Debian packages on our machines; puppeteer must never download its own. */
module.exports = { skipDownload: true };
