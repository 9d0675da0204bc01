// Ask before destructive actions: a form with data-confirm, or the button that submits it.
// Listening in the capture phase runs this before htmx sees the submit, so a refusal stops
// htmx requests too.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var source = button && button.hasAttribute("data-confirm") ? button : event.target;
  var message = source.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
