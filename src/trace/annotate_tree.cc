// annotate_tree.cc: the tree builder of the illustrated view (annotate_tree.h).
#include "trace/annotate_tree.h"

#include "trace/annotate_internal.h"

namespace glasstls::annotate {
namespace {

// close_node finishes a node: the explanation of its length, its default explanation and the
// wording of the rules it breaks; then its children, and it hands them to the TraceField.
TraceField close_node(Node& n) {
  TraceField f = std::move(n.field);
  if (n.prefix_len > 0) {
    const std::string& what = n.what.empty() ? f.name : n.what;
    TraceField& length = n.kids.front().field;
    if (length.explanation.empty()) {
      length.explanation = plural(n.number, "byte", "bytes") + " of " + what +
                           (n.number == 1 ? " follows" : " follow");
    }
    if (f.explanation.empty()) {
      f.explanation = f.name + ": a vector of " + what;
    }
  }
  for (const msgs::Broken& b : n.broken) {
    if (b.kind == msgs::Broken::kLength) {
      bounds_note(f, n.is_node ? f.length - n.prefix_len : f.length, b.min, b.max);
    }
  }
  f.children.reserve(n.kids.size());
  for (Node& k : n.kids) {
    f.children.push_back(close_node(k));
  }
  return f;
}

// drop_repeated_errors removes, in document order, every empty "error" field that starts where
// the error before it ended: it would say nothing new (see Annotator::fail). Errors are added
// in document order, so this is the rule Annotator::fail applies as it adds them.
void drop_repeated_errors(TraceField& f, size_t& last_end) {
  for (size_t i = 0; i < f.children.size();) {
    TraceField& k = f.children[i];
    if (k.name == "error" && k.children.empty()) {
      if (k.length == 0 && k.offset == last_end) {
        f.children.erase(f.children.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      last_end = k.offset + k.length;
    } else {
      drop_repeated_errors(k, last_end);
    }
    i++;
  }
}

}  // namespace

Node* Node::kid(std::string_view name) {
  for (Node& k : kids) {
    if (k.field.name == name) {
      return &k;
    }
  }
  return nullptr;
}

bool Node::has_error() const {
  for (const Node& k : kids) {
    if (k.field.name == "error") {
      return true;
    }
  }
  return false;
}

ByteView contents(const Node& n) {
  if (n.kids.size() > 1 && n.kids[1].field.name != "error") {
    return n.kids[1].bytes;
  }
  return {};
}

void word_opaque(Node* n, std::string explanation, bool as_text) {
  if (n == nullptr) {
    return;
  }
  const ByteView bytes = contents(*n);
  n->field.value = as_text ? printable(bytes) : hex(bytes);
  n->field.explanation = explanation;
  if (n->kids.size() > 1 && n->kids[1].field.name != "error") {
    n->kids[1].field.value = n->field.value;
    n->kids[1].field.explanation = std::move(explanation);
  }
}

bool is_item(const Node& k) { return k.integer && k.field.name != "length"; }

void word_empty(Node& data, std::string explanation) {
  data.field.explanation = std::move(explanation);
  data.field.meaning = data.kids.empty() ? "empty" : "";
}

void word_protocol_name_list(Node& data, std::string_view name) {
  Node* list = data.kid(name);
  if (list == nullptr) {
    return;
  }
  list->what = "protocol names";
  list->field.explanation = std::string(name) + ": each name has a 1-byte length";
  // The rules are worded here, the length first, so that they read in that order.
  bool not_one = false;
  for (const msgs::Broken& b : list->broken) {
    if (b.kind == msgs::Broken::kLength) {
      bounds_note(list->field, list->contents(), b.min, b.max);
    }
    not_one |= b.kind == msgs::Broken::kValue;
  }
  list->broken.clear();
  std::string names;
  for (Node& entry : list->kids) {
    if (!entry.is_node) {
      continue;
    }
    word_opaque(&entry, "ProtocolName: an IANA-registered protocol ID", true);
    const ByteView proto = contents(entry);
    // RFC 8701 section 2: GREASE ALPN identifiers are two bytes {0x?A,0x?A}.
    if (proto.size() == 2 && is_grease(static_cast<uint16_t>((proto[0] << 8) | proto[1]))) {
      entry.field.meaning = "GREASE (RFC 8701)";
      entry.field.explanation =
          "GREASE protocol ID (RFC 8701): meaningless, keeps servers ignoring unknown "
          "protocols";
    } else {
      entry.field.meaning = printable(proto);
    }
    names += (names.empty() ? "" : ", ") + entry.field.meaning;
  }
  list->field.meaning = names;
  data.field.meaning = names;
  if (not_one) {
    list->field.explanation += "; invalid: a server must name exactly one protocol";
  }
}

TreeBuilder::TreeBuilder(std::string root_name, size_t size, std::string explanation) {
  Node root;
  root.field = leaf(std::move(root_name), 0, size, "", "", std::move(explanation));
  root.is_node = true;
  stack_.push_back(std::move(root));
}

void TreeBuilder::field(std::string_view name, size_t index, size_t offset, ByteView bytes,
                        uint32_t number, msgs::Show show, bool integer) {
  Node n;
  std::string value;
  if (integer) {
    value =
        show == msgs::Show::kCode ? code(number, static_cast<int>(bytes.size() * 2)) : dec(number);
  } else {
    value = hex(bytes);
  }
  n.field = leaf(msgs::indexed_name(name, index), offset, bytes.size(), std::move(value), "", "");
  n.bytes = bytes;
  n.number = number;
  n.integer = integer;
  stack_.back().kids.push_back(std::move(n));
}

void TreeBuilder::begin(std::string_view name, size_t index, size_t offset, size_t prefix_len,
                        uint32_t declared) {
  Node n;
  n.field = leaf(msgs::indexed_name(name, index), offset, 0, "", "", "");
  n.is_node = true;
  n.prefix_len = prefix_len;
  n.number = declared;
  if (prefix_len > 0) {
    Node length;
    length.field = leaf("length", offset, prefix_len, dec(declared), "", "");
    length.number = declared;
    length.integer = true;
    n.kids.push_back(std::move(length));
  }
  stack_.push_back(std::move(n));
}

void TreeBuilder::end(size_t end) {
  if (stack_.size() < 2) {
    return;  // the root is closed by finish()
  }
  Node n = std::move(stack_.back());
  stack_.pop_back();
  n.field.length = end - n.field.offset;
  stack_.back().kids.push_back(std::move(n));
}

void TreeBuilder::malformed(size_t offset, ByteView rest, std::string why) {
  // An empty error right after another is dropped by finish() (drop_repeated_errors).
  Node n;
  n.field = leaf("error", offset, rest.size(), hex(rest), "malformed", std::move(why));
  n.bytes = rest;
  stack_.back().kids.push_back(std::move(n));
}

void TreeBuilder::broken(const msgs::Broken& rule, bool on_last_field) {
  Node& top = stack_.back();
  Node& target = on_last_field && !top.kids.empty() ? top.kids.back() : top;
  target.broken.push_back(rule);
}

Node& TreeBuilder::root() { return stack_.front(); }

TraceField TreeBuilder::finish() {
  while (stack_.size() > 1) {
    const TraceField& last =
        stack_.back().kids.empty() ? stack_.back().field : stack_.back().kids.back().field;
    end(last.offset + last.length);
  }
  TraceField out = close_node(stack_.front());
  size_t last_end = SIZE_MAX;
  drop_repeated_errors(out, last_end);
  return out;
}

}  // namespace glasstls::annotate
