// Passphrase strength meter: the same score as PassphrasePolicy.score on the server (length steps 12/16/20 plus one
// for three character classes), so "acceptable" here is what the server accepts. No inline script (CSP).
(function () {
  function score(p) {
    if (!p) { return 0; }
    var lower = /[a-z]/.test(p), upper = /[A-Z]/.test(p), digit = /[0-9]/.test(p), other = /[^a-zA-Z0-9]/.test(p);
    var classes = (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    var s = p.length >= 20 ? 3 : p.length >= 16 ? 2 : p.length >= 12 ? 1 : 0;
    if (classes >= 3 && s > 0) { s++; }
    return Math.min(s, 4);
  }
  var words = document.documentElement.lang === 'ja' ? ['短すぎます', '最低限', '普通', '良い', '強い'] : ['too short', 'acceptable', 'fair', 'good', 'strong'];
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('input[data-meter]').forEach(function (input) {
      var meter = document.getElementById(input.getAttribute('data-meter'));
      var text = document.getElementById(input.getAttribute('data-meter') + '-text');
      input.addEventListener('input', function () {
        var s = score(input.value);
        meter.value = s;
        if (text) { text.textContent = words[s]; }
      });
    });
    document.querySelectorAll('form').forEach(function (form) {
      form.addEventListener('submit', function () {
        // Double submission: the first click disables the buttons; the server refuses a second claim anyway.
        setTimeout(function () { form.querySelectorAll('button[type=submit]').forEach(function (b) { b.disabled = true; }); }, 0);
      });
    });
  });
}());
