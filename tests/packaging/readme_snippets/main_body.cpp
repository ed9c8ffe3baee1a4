// README blocks marked <!-- snippet: main_body -->: statements that make a whole program as the
// body of main(). Adds nothing but main().
// @includes

int main() {
  // @body
}
