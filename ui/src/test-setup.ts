import { configure } from "@testing-library/react";

// The review and the Numbers screen are loaded on first use (React.lazy): the first test to
// open one waits for the module to be transformed, which takes over testing-library's 1 s
// default on a busy 2-core machine. Waiting for what should appear stays the rule.
configure({ asyncUtilTimeout: 5000 });
