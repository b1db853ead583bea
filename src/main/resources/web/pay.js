// The pay page works without this script; with it, the page follows the payment live, counts down
// to the due date and offers copy buttons. Loaded as a file: the page's policy allows no inline code.
(function () {
  'use strict';

  document.documentElement.classList.add('js');
  var page = document.querySelector('[data-pay-slug]');
  if (!page) {
    return;
  }
  var slug = page.getAttribute('data-pay-slug');
  var state = page.getAttribute('data-state');
  var confirmations = page.getAttribute('data-confirmations');

  function copied(button) {
    var label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(function () { button.textContent = label; }, 2000);
  }

  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var field = document.getElementById(button.getAttribute('data-copy'));
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { copied(button); });
      } else {
        field.focus();
        field.select();
        document.execCommand('copy');
        copied(button);
      }
    });
  });

  var left = document.getElementById('time-left');
  var due = Date.parse(page.getAttribute('data-due'));
  // Count on the server's clock, not the device's, which may be set wrong.
  var skew = Date.parse(page.getAttribute('data-now')) - Date.now();
  function countDown() {
    var ms = due - (Date.now() + skew);
    if (ms <= 0) {
      left.textContent = 'The due date has passed';
      return;
    }
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var parts = [];
    if (days > 0) { parts.push(days + (days === 1 ? ' day' : ' days')); }
    if (days > 0 || hours > 0) { parts.push(hours + (hours === 1 ? ' hour' : ' hours')); }
    parts.push((minutes % 60) + (minutes % 60 === 1 ? ' minute' : ' minutes'));
    left.textContent = parts.join(', ') + ' left';
  }
  if (left && !isNaN(due) && !isNaN(skew)) {
    countDown();
    setInterval(countDown, 15000);
  }

  // Any change the server reports is shown by loading the page again: the server renders it.
  function poll() {
    fetch('/pay/' + encodeURIComponent(slug) + '/status', { cache: 'no-store' })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (status) {
        if (status && (status.state !== state || String(status.confirmations) !== confirmations)) {
          window.location.reload();
        }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  if (page.getAttribute('data-live') === 'yes') {
    setInterval(poll, 2000);
  }
})();
