/* huibao's page script. `window.huibao` is set by the page: the words searched (`search`) and
 * the choices of the canned queries' parameters (`options`: [code, label] pairs). Datasette
 * loads it in the head, so it waits for the page. */
function huibaoPage() {
  var data = window.huibao || {};

  // Column descriptions folded away under one line.
  var dl = document.querySelector('dl.column-descriptions');
  if (dl) {
    var details = document.createElement('details');
    var summary = document.createElement('summary');
    summary.textContent = '字段说明 Column descriptions (' + dl.querySelectorAll('dt').length + ')';
    details.appendChild(summary);
    dl.parentNode.insertBefore(details, dl);
    details.appendChild(dl);
  }

  // The searched words highlighted in the table, in text nodes only (nothing from the data is
  // parsed as HTML).
  var table = document.querySelector('table.rows-and-columns');
  if (data.search && table) {
    var words = data.search.split(/\s+/).map(function (w) { return w.replace(/"/g, ''); })
      .filter(function (w) { return w.length > 0; });
    if (words.length) {
      var re = new RegExp(words.map(function (w) {
        return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }).join('|'), 'g');
      var walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      nodes.forEach(function (node) {
        var text = node.nodeValue, parts = [], last = 0, m;
        re.lastIndex = 0;
        while ((m = re.exec(text)) !== null) {
          parts.push(document.createTextNode(text.slice(last, m.index)));
          var mark = document.createElement('mark');
          mark.className = 'huibao';
          mark.textContent = m[0];
          parts.push(mark);
          last = m.index + m[0].length;
        }
        if (!parts.length) return;
        parts.push(document.createTextNode(text.slice(last)));
        var frag = document.createDocumentFragment();
        parts.forEach(function (p) { frag.appendChild(p); });
        node.parentNode.replaceChild(frag, node);
      });
    }
  }

  // A canned query's parameters named in Chinese, and its coded ones (topic, role, level …) as
  // lists of Chinese labels.
  var headers = data.headers || {};
  document.querySelectorAll('form label[for]').forEach(function (label) {
    var name = label.getAttribute('for').replace(/^qp\d*/, '');
    var field = document.getElementById(label.getAttribute('for'));
    var key = field ? field.name : name;
    if (headers[key]) label.textContent = headers[key] + ' ' + key;
  });
  var options = data.options || {};
  document.querySelectorAll('form.sql input[type=text], form input[type=text]').forEach(function (input) {
    var choices = options[input.name];
    if (!choices || input.closest('.search-row')) return;
    var select = document.createElement('select');
    select.name = input.name;
    select.id = input.id;
    var any = document.createElement('option');
    any.value = '';
    any.textContent = '（全部）';
    select.appendChild(any);
    choices.forEach(function (pair) {
      var option = document.createElement('option');
      option.value = pair[0];
      option.textContent = pair[1];
      if (input.value === pair[0] || input.value === pair[1]) option.selected = true;
      select.appendChild(option);
    });
    input.parentNode.replaceChild(select, input);
  });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', huibaoPage);
} else {
  huibaoPage();
}
