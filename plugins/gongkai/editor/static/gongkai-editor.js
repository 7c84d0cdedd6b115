/* gongkai: what the web editor (Decap CMS) needs beyond its own bundle.
 *
 * 1. The item file format. Decap's own YAML writer reorders keys and restyles every value, so
 *    one edit would rewrite the whole file. This format writes what an editor writes by hand
 *    (Chinese keys in schema order, one list entry per line, plain values unless YAML needs
 *    quotes; the same rules as tools/yamlwrite.py), and writes every field the edit did not
 *    change back byte for byte from the file as it was read: the diff shows only the change.
 * 2. The 二级事项 select, whose choices follow the 一级事项 chosen above it.
 *
 * Key orders come from schema/ through the JSON block in admin/index.html (generated).
 */
(function (CMS, jsyaml, h, createClass) {
  'use strict';

  var SOURCE = '__gongkai_source__';  // the file as read, kept with the entry until it is saved
  var INDENT = '  ';
  var FENCE = /^---[ \t]*$/;
  // PyYAML's SafeLoader without timestamps (catalogue/frontmatter.py Loader): what "reads back as
  // the same text" means for the build.
  var PLAIN_SCHEMA = jsyaml.CORE_SCHEMA.withTags(jsyaml.nullYaml11Tag, jsyaml.boolYaml11Tag,
                                                   jsyaml.intYaml11Tag, jsyaml.floatYaml11Tag);
  var LOAD = {schema: jsyaml.CORE_SCHEMA};

  // ---- reading ------------------------------------------------------------------------------

  function topKey(line) {
    // A top-level "key:" line; comments, blank lines and indented lines belong to a field.
    var m = /^([^\s#'"\-?:][^:#]*?)[ \t]*:(?:[ \t]|$)/.exec(line);
    return m ? m[1] : null;
  }

  /* Front matter as blocks: each top-level key with its lines (comment and blank lines above a key
     belong to it), the lines after the last key, and the body exactly as in the file. */
  function readSource(content) {
    var bom = content.charAt(0) === '\ufeff' ? '\ufeff' : '';
    var text = content.slice(bom.length);
    var eol = text.indexOf('\r\n') >= 0 ? '\r\n' : '\n';
    var lines = text.split(/\r?\n/);
    if (!FENCE.test(lines[0])) return null;
    var close = -1;
    for (var i = 1; i < lines.length; i++) if (FENCE.test(lines[i])) { close = i; break; }
    if (close < 0) return null;
    var blocks = [], pending = [];
    lines.slice(1, close).forEach(function (line) {
      var key = topKey(line);
      if (key !== null) {
        blocks.push({key: key, lines: pending.concat([line])});
        pending = [];
      } else if (/^\s*(#.*)?$/.test(line) || !blocks.length) {
        pending.push(line);  // above the next key, or after the last one
      } else {
        blocks[blocks.length - 1].lines = blocks[blocks.length - 1].lines.concat(pending, [line]);
        pending = [];
      }
    });
    var bodyRaw = lines.slice(close + 1).join(eol);
    return {bom: bom, eol: eol, open: lines[0], close: lines[close], blocks: blocks, tail: pending,
            front: lines.slice(1, close).join('\n'), body: lines.slice(close + 1).join('\n'), bodyRaw: bodyRaw};
  }

  function fromFile(content) {
    var source = readSource(content);
    if (!source) return {body: content};
    var data;
    try {
      data = jsyaml.load(source.front + '\n', LOAD) || {};
    } catch (e) {
      throw new Error('这个文件 --- 与 --- 之间的字段写法有误，网页编辑器无法读取。请运行 python3 -m invoke validate 查看并修改：' + e.message);
    }
    source.blocks.forEach(function (b) { b.value = data[b.key]; });
    delete source.front;
    data.body = source.body;
    data[SOURCE] = JSON.stringify(source);
    return data;
  }

  // ---- writing (tools/yamlwrite.py in JavaScript) ---------------------------------------------

  // A text holding " or \ single-quoted, nothing escaped (tools/yamlwrite.py _SINGLE_QUOTABLE).
  var SINGLE_QUOTABLE = /^[^\n\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*["\\][^\n\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*$/;

  function scalar(value) {
    var text = String(value);
    if (/^[yYnN]$/.test(text)) return text;  // booleans to js-yaml's YAML 1.1, text to PyYAML
    if (text && text === text.trim() && text.indexOf('\n') < 0 && text !== '=' && text !== '<<') {
      try {
        var back = jsyaml.load('k: ' + text + '\n', {schema: PLAIN_SCHEMA});
        if (back && back.k === text && Object.keys(back).length === 1) return text;
      } catch (e) { /* not plain YAML: quoted below */ }
    }
    if (SINGLE_QUOTABLE.test(text)) return "'" + text.replace(/'/g, "''") + "'";
    return JSON.stringify(text);
  }

  function block(text, indent) {
    var lines = text.split('\n');
    if (text.indexOf('\n') < 0 || !lines[0] || lines.some(function (l) { return l !== l.trim(); })) return null;
    return '|-\n' + lines.map(function (l) { return l ? indent + l : ''; }).join('\n');
  }

  function ordered(obj, order) {
    var keys = Object.keys(obj);
    var known = (order || []).filter(function (k) { return keys.indexOf(k) >= 0; });
    return known.concat(keys.filter(function (k) { return known.indexOf(k) < 0; }));
  }

  function valueLines(value, indent, order) {
    var out = [];
    if (!Array.isArray(value)) {
      ordered(value, order).forEach(function (k) { out = out.concat(fieldLines(k, value[k], indent)); });
      return out;
    }
    value.forEach(function (entry) {
      if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
        var inner = valueLines(entry, indent + INDENT, order);
        out.push(indent + '- ' + inner[0].replace(/^\s+/, ''));
        out = out.concat(inner.slice(1));
      } else {
        out.push(indent + '- ' + (block(String(entry), indent + INDENT) || scalar(entry)));
      }
    });
    return out;
  }

  function fieldLines(key, value, indent, order) {
    if (value !== null && typeof value === 'object') {
      return [indent + key + ':'].concat(valueLines(value, indent + INDENT, order));
    }
    return [indent + key + ': ' + (block(String(value), indent + INDENT) || scalar(value))];
  }

  // ---- what to write --------------------------------------------------------------------------

  function isEmpty(value) {
    return value === undefined || value === null || value === '' ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
  }

  /* Widgets leave '' and [] for fields nobody filled in; the schema has no empty values. */
  function clean(value) {
    if (Array.isArray(value)) {
      return value.map(clean).filter(function (v) { return !isEmpty(v); });
    }
    if (value !== null && typeof value === 'object') {
      var out = {};
      Object.keys(value).forEach(function (k) { var v = clean(value[k]); if (!isEmpty(v)) out[k] = v; });
      return out;
    }
    return typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : value;
  }

  function canonical(value) {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === 'object') {
      var out = {};
      Object.keys(value).sort().forEach(function (k) { out[k] = canonical(value[k]); });
      return out;
    }
    return value;
  }

  function same(a, b) {
    // Key order aside: Decap keeps entry data in Immutable maps, which do not keep it.
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
  }

  /* The file's own key order; a key it did not have goes after the last key it has that comes
     before it in the schema. */
  function keyOrder(existing, schemaOrder, present) {
    var order = existing.slice();
    present.forEach(function (key) {
      if (order.indexOf(key) >= 0) return;
      var at = schemaOrder.indexOf(key), pos = 0;
      order.forEach(function (k, i) {
        var rank = schemaOrder.indexOf(k);
        if (rank >= 0 && (at < 0 || rank < at)) pos = i + 1;
      });
      if (at < 0) pos = order.length;
      order.splice(pos, 0, key);
    });
    return order;
  }

  function makeFormat(spec) {
    return {
      fromFile: fromFile,
      toFile: function (data) {
        var source = data[SOURCE] ? JSON.parse(data[SOURCE]) : null;
        var blocks = {};
        (source ? source.blocks : []).forEach(function (b) { blocks[b.key] = b; });
        var body = data.body === undefined || data.body === null ? '' : String(data.body);
        var fields = {};
        Object.keys(data).forEach(function (k) { if (k !== SOURCE && k !== 'body') fields[k] = data[k]; });
        var present = Object.keys(fields).filter(function (k) {
          return (blocks[k] && same(blocks[k].value, fields[k])) || !isEmpty(clean(fields[k]));
        });
        var lines = [source ? source.open : '---'];
        keyOrder(source ? source.blocks.map(function (b) { return b.key; }) : [], spec.order,
                 ordered(fields, spec.order).filter(function (k) { return present.indexOf(k) >= 0; }))
          .forEach(function (key) {
            if (present.indexOf(key) < 0) return;
            if (blocks[key] && same(blocks[key].value, fields[key])) lines = lines.concat(blocks[key].lines);
            else lines = lines.concat(fieldLines(key, clean(fields[key]), '', spec.nested[key]));
          });
        if (source) lines = lines.concat(source.tail);
        lines.push(source ? source.close : '---');
        var eol = source ? source.eol : '\n';
        var text = lines.join(eol) + eol;
        if (source && body === source.body) return source.bom + text + source.bodyRaw;
        body = body.replace(/\r\n?/g, '\n').replace(/^\n+/, '').replace(/\s+$/, '');
        return (source ? source.bom : '') + text + (body ? body.split('\n').join(eol) + eol : '');
      }
    };
  }

  // ---- 一级事项 and 二级事项: the second's choices follow the first --------------------------------
  // Decap redraws a widget only when its own value changes, so the 一级事项 widget tells the
  // 二级事项 widget about a new choice directly.

  var listeners = [];

  function nativeSelect(props, choices, first, onChange, disabled) {
    var value = props.value || '';
    var options = [h('option', {key: '', value: ''}, first)];
    choices.forEach(function (c) { options.push(h('option', {key: c[0], value: c[0]}, c[1])); });
    return h('select', {
      id: props.forID, className: props.classNameWrapper, value: value, disabled: !!disabled,
      onChange: function (e) { onChange(e.target.value); },
      onFocus: props.setActiveStyle, onBlur: props.setInactiveStyle
    }, options);
  }

  var CategoryControl = createClass({
    render: function () {
      var props = this.props, name = props.field.get('name');
      var list = props.field.get('options').toJS();
      var choices = list.map(function (o) { return [o, o]; });
      if (props.value && list.indexOf(props.value) < 0) choices.push([props.value, props.value + '（没有登记）']);
      return nativeSelect(props, choices, '请选择' + props.field.get('label'), function (value) {
        props.onChange(value);
        listeners.forEach(function (fn) { fn(name, value); });
      });
    }
  });

  var SubcategoryControl = createClass({
    getInitialState: function () {
      return {parent: this.props.entry.getIn(['data', this.props.field.get('depends_on')])};
    },
    componentDidMount: function () {
      var self = this;
      this.listener = function (name, value) {
        if (name === self.props.field.get('depends_on')) self.setState({parent: value});
      };
      listeners.push(this.listener);
    },
    componentWillUnmount: function () {
      listeners.splice(listeners.indexOf(this.listener), 1);
    },
    choices: function () {
      var list = this.state.parent && this.props.field.getIn(['options_by', this.state.parent]);
      return list ? list.toJS() : [];
    },
    isValid: function () {
      var value = this.props.value, parent = this.state.parent;
      if (!value || this.choices().indexOf(value) >= 0) return true;
      var message = parent ? '“' + value + '”不是“' + parent + '”下登记的' + this.props.field.get('label') + '，请重新选择'
        : '请先选择' + this.props.field.get('depends_on');
      return {error: {type: 'CUSTOM', message: message}};
    },
    render: function () {
      var props = this.props, list = this.choices(), value = props.value || '';
      var choices = list.map(function (n) { return [n, n]; });
      if (value && list.indexOf(value) < 0) choices.push([value, value + '（不在所选' + props.field.get('depends_on') + '下）']);
      var first = this.state.parent ? '请选择' + props.field.get('label') : '请先选择' + props.field.get('depends_on');
      return nativeSelect(props, choices, first, props.onChange, !this.state.parent && !value);
    }
  });

  var TextPreview = createClass({
    render: function () { return h('p', {}, this.props.value || ''); }
  });

  var settings = JSON.parse(document.getElementById('gongkai-editor-formats').textContent);
  Object.keys(settings).forEach(function (name) {
    CMS.registerCustomFormat(name, 'md', makeFormat(settings[name]));
  });
  CMS.registerWidget('gongkai-category', CategoryControl, TextPreview);
  CMS.registerWidget('gongkai-subcategory', SubcategoryControl, TextPreview);

  // For the tests: the same functions the format uses.
  window.gongkaiEditor = {fromFile: fromFile, makeFormat: makeFormat, scalar: scalar, formats: settings};
})(window.CMS, window.jsyaml, window.h, window.createClass);
