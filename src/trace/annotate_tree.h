// annotate_tree.h (internal): the annotated tree built from what the codecs report.
//
// TreeBuilder is the FieldSink (msgs/fields.h) of the illustrated view: the codec of a message
// reads it field by field, and the builder turns each report into a node with its offset,
// length and value. Then the describers of annotate_describe.cc give each node its meaning and
// explanation, looked up by the field names the codecs report, and finish() words the rules the
// codec found broken. Malformed bytes become "error" fields, as trace/annotate_internal.h says.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "glasstls/trace.h"
#include "msgs/fields.h"
#include "msgs/handshake.h"
#include "msgs/walk.h"

namespace glasstls::annotate {

// Node is a TraceField while it is being built: with the raw value the codec reported and the
// rules it found broken.
struct Node {
  TraceField field;  // its children are in `kids` until finish()
  std::vector<Node> kids;
  ByteView bytes;       // a leaf's bytes
  uint32_t number = 0;  // an integer leaf's value, or a vector's declared length
  bool integer = false;
  size_t prefix_len = 0;  // a vector's length prefix (0 for a struct or a leaf)
  bool is_node = false;   // opened with begin()
  // what names a vector's contents in the explanation of its length ("cipher suites").
  std::string what;
  std::vector<msgs::Broken> broken;

  // contents is the number of content bytes a vector node holds (its length less its prefix;
  // fewer than `number` when it was cut short).
  size_t contents() const { return field.length - prefix_len; }
  // kid is the child named `name`, or nullptr.
  Node* kid(std::string_view name);
  // has_error says whether an "error" field is among the children.
  bool has_error() const;
};

class TreeBuilder final : public msgs::FieldSink {
 public:
  // The root node covers the whole input.
  TreeBuilder(std::string root_name, size_t size, std::string explanation);

  void field(std::string_view name, size_t index, size_t offset, ByteView bytes, uint32_t number,
             msgs::Show show, bool integer) override;
  void begin(std::string_view name, size_t index, size_t offset, size_t prefix_len,
             uint32_t declared) override;
  void end(size_t end) override;
  void malformed(size_t offset, ByteView rest, std::string why) override;
  void broken(const msgs::Broken& rule, bool on_last_field) override;

  // root is the tree so far (nodes left open are closed by finish()).
  Node& root();
  // finish closes what is open, words the defaults and broken rules, and returns the tree.
  TraceField finish();

 private:
  std::vector<Node> stack_;
};

// Helpers of the describers.

// contents is what the `opaque name<..>` node `n` holds, as FieldReader::opaque reports it (what
// is present of it when it was cut short): its field after the length, if any.
ByteView contents(const Node& n);
// word_opaque words such a node: its value is its contents (as text with `as_text`), and the
// contents field has the same explanation.
void word_opaque(Node* n, std::string explanation, bool as_text = false);
// is_item says whether `k` is a value read from a list (not its length, not an error).
bool is_item(const Node& k);
// word_items words each value of the list `list` with `each(value, field)`.
template <typename F>
void word_items(Node& list, F&& each) {
  for (Node& k : list.kids) {
    if (is_item(k)) {
      each(k.number, k.field);
    }
  }
}
// word_empty words an extension whose body must be empty: its presence is the message. A body
// that is not empty was reported as malformed.
void word_empty(Node& data, std::string explanation);
// word_protocol_name_list words the ProtocolNameList `name` in `data` (RFC 7301 section 3.1),
// as ALPN and ALPS carry it.
void word_protocol_name_list(Node& data, std::string_view name);

// describe_extension_block words an extension block (the node "extensions") as
// msgs::read_extension_block reports it, in the message of `context`.
void describe_extension_block(Node& block, msgs::ExtensionContext context);

// describe_extension_data words the body of one extension of `type` in `context`, the node
// "extension_data" as its walker (msgs/extension_walk.h) reported it. The describers are
// split over annotate_extension_*.cc like the walkers; each returns whether it knows `type`.
void describe_extension_data(Node& data, ExtensionType type, msgs::ExtensionContext context);
bool describe_extension_data_a(Node& data, ExtensionType type, msgs::ExtensionContext context);
bool describe_extension_data_b(Node& data, ExtensionType type, msgs::ExtensionContext context);

// describe_message gives every node of a message tree (as walk_handshake_message reports it,
// read with the layout `context` names) its meaning and explanation.
void describe_message(Node& root, const msgs::WalkContext& context = {});

// annotate_handshake_message is glasstls::annotate_handshake_message (trace.h) reading the
// message with the layout `context` names: TLS 1.2's messages, once the version and the
// suite's key exchange are known (the dissector, the connection's tracer).
TraceField annotate_handshake_message(std::span<const uint8_t> message,
                                      const msgs::WalkContext& context);

}  // namespace glasstls::annotate
